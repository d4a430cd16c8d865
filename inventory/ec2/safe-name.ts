/**
 * Ansible's to_safe_group_name (as inventory plugins call it, forced): a leading digit and
 * every character that is not a letter, a digit or `_` becomes `_`. Letters and digits
 * are Unicode's, as Python's `\w`: `tag_Rôle_wéb` stays as it is.
 */
export function safeGroupName(name: string): string {
  return name.replace(/^\p{Nd}|[^\p{L}\p{N}_]/gu, '_');
}

/** aws_ec2's `use_contrib_script_compatible_sanitization`: ASCII letters, digits, `_` and `-` are kept. */
export function contribSafeGroupName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** How group (and `:`-bearing host) names are made safe. */
export type Sanitizer = (name: string) => string;

/**
 * aws_ec2's host name rule: a name with `:` (a tag such as `app:blue`) is sanitised whole
 * as a group name (`app_blue`, so `--limit app_blue` can select it); any other is kept.
 */
export function safeHostName(name: string, sanitize: Sanitizer): string {
  return name.includes(':') ? sanitize(name) : name;
}
