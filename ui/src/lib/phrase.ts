// The one typed-phrase rule on the window's side, so the Publish button is
// enabled exactly when the core (`nupub_publish::phrase_matches`) will accept
// the text. ui/src/lib/phrase.test.ts runs the core's own cases.

/**
 * Does the typed text match a confirmation phrase? Spacing never matters.
 * A package's phrase is `Id Version`: the id ignoring case, the version exactly.
 * A set's phrase ("publish 7 packages") matches ignoring case.
 */
export function phraseMatches(typed: string, phrase: string): boolean {
  const words = (s: string) => s.trim().split(/\s+/).filter((w) => w !== "");
  const t = words(typed);
  const w = words(phrase);
  if (t.length === 0 || t.length !== w.length) return false;
  if (w.length === 2) return t[0].toLowerCase() === w[0].toLowerCase() && t[1] === w[1];
  return t.every((word, i) => word.toLowerCase() === w[i].toLowerCase());
}
