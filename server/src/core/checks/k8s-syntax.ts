/**
 * The Kubernetes API's syntax rules for names that NetworkPolicy fields carry (apimachinery
 * `validation.IsQualifiedName`, `IsValidLabelValue`, `IsValidPortName`). Each validator returns
 * undefined when the text is valid, else the reason in words.
 */

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const NAME_CHARS = 'alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric';

/** A label key: `[prefix/]name`, prefix a DNS subdomain ≤ 253, name ≤ 63 characters. */
export function labelKeyProblem(key: string): string | undefined {
  if (key === '') return 'a label key must not be empty';
  const parts = key.split('/');
  if (parts.length > 2) return 'a label key has at most one "/" (prefix/name)';
  const name = parts[parts.length - 1] ?? '';
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix === '') return 'the prefix before "/" must not be empty';
    if (prefix.length > 253) return `the prefix "${prefix.slice(0, 20)}…" is longer than 253 characters`;
    if (!DNS_SUBDOMAIN.test(prefix)) {
      return `the prefix "${prefix}" must be a DNS subdomain: lowercase alphanumerics, "-" and ".", starting and ending with an alphanumeric`;
    }
  }
  if (name === '') return 'the name after the prefix must not be empty';
  if (name.length > 63) return `the name part is ${name.length} characters long; at most 63 are allowed`;
  if (!NAME_PART.test(name)) return `the name part "${name}" must consist of ${NAME_CHARS}`;
  return undefined;
}

/** A label value: empty, or ≤ 63 characters of the label name charset. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return `a label value is at most 63 characters long, this one has ${value.length}`;
  if (!NAME_PART.test(value)) return `a label value must be empty or consist of ${NAME_CHARS}`;
  return undefined;
}

/** An IANA service name (a named port): ≤ 15 characters, [-a-z0-9], a letter, no "-" at the ends or doubled. */
export function portNameProblem(name: string): string | undefined {
  if (name === '') return 'a port name must not be empty';
  if (name.length > 15) return `a port name is at most 15 characters long, this one has ${name.length}`;
  if (!/^[-a-z0-9]+$/.test(name)) return 'a port name may contain only lowercase letters, digits and "-"';
  if (!/[a-z]/.test(name)) return 'a port name must contain at least one letter';
  if (name.startsWith('-') || name.endsWith('-')) return 'a port name must not start or end with "-"';
  if (name.includes('--')) return 'a port name must not contain "--"';
  return undefined;
}
