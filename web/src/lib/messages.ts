// Validation answers in words people use. The server names the field and what was wrong
// ("username: String should match pattern '^[a-z0-9]…'"); a person needs to hear what to
// type instead.

/** What a field must look like, for rules whose message is only a pattern. */
const PATTERN_RULES: Record<string, string> = {
  username: "Usernames are 3 to 32 characters: lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit.",
  email: "That email address doesn't look right.",
  slug: "Use lowercase letters, digits and dashes.",
};

function label(field: string): string {
  const last = field.split(".").filter((p) => !/^\d+$/.test(p)).pop() ?? field;
  const words = last.replace(/_/g, " ").trim();
  return words ? words[0].toUpperCase() + words.slice(1) : "This field";
}

const RULES: [RegExp, (name: string, m: RegExpMatchArray, field: string) => string][] = [
  [/should match pattern/i, (name, _m, field) => PATTERN_RULES[field.split(".").pop() ?? ""] ?? `${name} contains characters that aren't allowed.`],
  [/at least (\d+) characters?/i, (name, m) => `${name} must be at least ${m[1]} characters long.`],
  [/at most (\d+) characters?/i, (name, m) => `${name} can be at most ${m[1]} characters long.`],
  [/at least (\d+) items?/i, (name, m) => `${name} needs at least ${m[1]}.`],
  [/at most (\d+) items?/i, (name, m) => `${name} can have at most ${m[1]}.`],
  [/greater than or equal to (\S+)/i, (name, m) => `${name} must be at least ${m[1]}.`],
  [/greater than (\S+)/i, (name, m) => `${name} must be more than ${m[1]}.`],
  [/less than or equal to (\S+)/i, (name, m) => `${name} can be at most ${m[1]}.`],
  [/less than (\S+)/i, (name, m) => `${name} must be less than ${m[1]}.`],
  [/valid (integer|number)|parse string as an? (integer|number)/i, (name) => `${name} must be a number.`],
  [/valid email|email address/i, () => PATTERN_RULES.email],
  [/valid (datetime|date)/i, (name) => `${name} must be a date.`],
  [/valid boolean/i, (name) => `${name} must be yes or no.`],
  [/^(field|this field is) required$|^missing$/i, (name) => `${name} is required.`],
  [/unknown field|extra inputs/i, (name) => `${name} isn't something that can be set here.`],
  [/should be (?:'[^']*'(?:, | or )?)+/i, (name) => `${name} isn't one of the choices.`],
  [/^(input|string|value) should|^value error/i, (name) => `${name} isn't valid.`],
];

/** A validation detail in words; anything already in words is left as it is. */
export function humanize(detail: string, field?: string): string {
  const m = detail.match(/^([A-Za-z_][\w.]*): (.+)$/s);
  const name = m?.[1] ?? field;
  const message = m?.[2] ?? detail;
  if (!name) return detail;
  for (const [re, words] of RULES) {
    const hit = message.match(re);
    if (hit) return words(label(name), hit, name);
  }
  // A sentence the server wrote for people needs no field name in front of it.
  return m && /[.!?]\)?\.?$/.test(message.trim()) ? message : detail;
}
