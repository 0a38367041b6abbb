// The publish wizard's state, in one place: which step is shown, the checks'
// target and acknowledgements, the chosen feed, what was agreed on Confirm and
// a key given there. App.svelte renders it; the steps change it only through
// the callbacks App passes them (which call these methods).
import type { Consent } from "../bindings/Consent";
import type { FeedChoice } from "../bindings/FeedChoice";
import type { RuleTarget } from "../bindings/RuleTarget";
import type { StepId } from "./steps";

/** What Confirm agreed to (and a key given there but not kept), for the publish. */
export interface Agreed {
  consent: Consent;
  key: string | null;
}

/** The part of the wizard that belongs to one open package (kept when another file fails to open). */
export interface WizardSnapshot {
  step: StepId;
  feed: FeedChoice | null;
  sessionKey: { feed: string; key: string } | null;
}

export class Wizard {
  step = $state<StepId>("package");
  target = $state<RuleTarget>("nuget.org");
  acknowledged = $state<Record<string, true>>({});
  /** The chosen feed: it opens Confirm; Publish is reached only from Confirm. */
  feed = $state<FeedChoice | null>(null);
  agreed = $state<Agreed | null>(null);
  /** A key typed on Confirm and not kept in the keyring, for the feed it was given for. */
  sessionKey = $state<{ feed: string; key: string } | null>(null);

  /** The steps the step bar lets the user go to now. */
  reachable(packageOpen: boolean): StepId[] {
    if (!packageOpen) return ["package"];
    if (this.step === "publish") return []; // a push under way (or just ended) is not left by the bar
    if (this.feed) return ["package", "checks", "feed", "confirm"];
    return ["package", "checks", "feed"];
  }

  go(step: StepId): void {
    this.step = step;
  }

  /** A new package: back to its first step, with no feed or key from the last one. */
  startOver(): void {
    this.step = "package";
    this.feed = null;
    this.sessionKey = null;
  }

  snapshot(): WizardSnapshot {
    return { step: this.step, feed: this.feed, sessionKey: this.sessionKey };
  }

  restore(saved: WizardSnapshot): void {
    ({ step: this.step, feed: this.feed, sessionKey: this.sessionKey } = saved);
  }

  chooseFeed(feed: FeedChoice): void {
    this.feed = feed;
    this.step = "confirm";
  }

  /** Confirm's agreement; Publish shows next. */
  publish(agreed: Agreed): void {
    this.agreed = agreed;
    this.step = "publish";
  }

  /** After a publish: the same package, to publish elsewhere or again. */
  finishPublish(): void {
    this.feed = null;
    this.step = "package";
  }

  /** The key typed on Confirm for the chosen feed, or null (a key for another feed is never offered). */
  sessionKeyForFeed(): string | null {
    return this.sessionKey && this.feed && this.sessionKey.feed === this.feed.id ? this.sessionKey.key : null;
  }

  keepSessionKey(key: string): void {
    this.sessionKey = this.feed ? { feed: this.feed.id, key } : null;
  }
}
