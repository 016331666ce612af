#!/usr/bin/env bash
# Regenerates the README screenshots in media/:
#   media/screenshot-editor.png      the real editor (code-server): code lens, the hover on
#                                    spec.podSelector, the reachability view with an explanation
#   media/screenshot-diagnostic.png  the same with the hover on the missing-dns-egress diagnostic
#   media/screenshot-view.png    the reachability view alone (headless Chromium, seed data)
# Needs `npm run setup:e2e` once.
set -euo pipefail
cd "$(dirname "$0")/.."
node esbuild.mjs
npx tsc -b
# the pictures wait for the hover and the painted view and explanation
export E2E_SCREENSHOT_READY='.monaco-hover-content;.matrix .cell;.explain .verdict'
E2E_SHOT=hover E2E_SCREENSHOT=media/screenshot-editor.png node out/test/e2e/run-tests.js --workspace examples --suite out/test/e2e/screenshots
E2E_SHOT=diagnostic E2E_SCREENSHOT=media/screenshot-diagnostic.png node out/test/e2e/run-tests.js --workspace examples --suite out/test/e2e/screenshots
node --test --test-name-pattern="looks right" out/test/webview/reachability.test.js
cp test/webview/screenshot.png media/screenshot-view.png
echo "wrote media/screenshot-editor.png, media/screenshot-diagnostic.png and media/screenshot-view.png"
