// Preload for yaml-language-server (node -r bench/no-debounce.cjs …): its fixed 200 ms validation
// debounce (SettingsState.validationDelayMs, not a setting) becomes 0 ms, so that the measured
// latency is the validation work itself, the anchor of issue 9's keystroke target.
const path = require('node:path');
const yls = path.dirname(require.resolve('yaml-language-server/package.json'));
const m = require(path.join(yls, 'out', 'server', 'src', 'yamlSettings.js'));
Object.defineProperty(m.SettingsState.prototype, 'validationDelayMs', {
  get() {
    return 0;
  },
  set() {},
  configurable: true,
});
