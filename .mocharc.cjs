// Timeouts are safety nets against a hang, scaled like test/support/patience.ts (default ×3).
const scale = Number(process.env.BOSUN_TEST_TIMEOUT_SCALE ?? '3');
module.exports = {
  'node-option': ['import=tsx'],
  timeout: Math.round(20000 * (Number.isFinite(scale) && scale > 0 ? scale : 3)),
  reporter: 'spec',
  recursive: true,
  extension: ['ts'],
};
