// How a lesson's `requires` entries read to a person.

const REQUIREMENT_NAMES: Record<string, string> = { docker: 'Docker' };

export function requirementName(requirement: string): string {
  return REQUIREMENT_NAMES[requirement] ?? requirement;
}
