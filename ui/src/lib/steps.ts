/** The steps of the publish flow, in order, as the navigation shows them. */
export const STEPS = [
  { id: "package", label: "Package" },
  { id: "checks", label: "Checks" },
  { id: "feed", label: "Feed" },
  { id: "confirm", label: "Confirm" },
  { id: "publish", label: "Publish" },
] as const;

export type StepId = (typeof STEPS)[number]["id"];
