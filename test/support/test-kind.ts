/**
 * The suite is split by what tests need (package.json): `test:unit` needs no root, no
 * debootstrap and no network; suites tagged `@integration` in their title use real Debian
 * roots, mounts, local users or sshd; `@fleet` ones boot hosts. Under `test:unit`
 * (BOSUN_TEST_UNIT=1) reaching for any of these throws, so an untagged suite cannot slip in.
 */
export function requireIntegration(what: string): void {
  if (process.env.BOSUN_TEST_UNIT === '1')
    throw new Error(`${what} needs root: tag the suite @integration (or @fleet) so that npm run test:unit leaves it out`);
}
