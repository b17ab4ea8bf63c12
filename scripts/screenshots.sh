#!/usr/bin/env bash
# Regenerates screenshots/*.png from the real binary: runs it in tmux,
# captures the screen with colours, converts it to HTML with aha and
# renders that with headless Chromium.
# Needs: tmux, aha, chromium (Debian: apt-get install tmux aha chromium fonts-dejavu-core).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in tmux aha chromium; do
  command -v "$tool" >/dev/null || { echo "screenshots: $tool is not installed" >&2; exit 1; }
done
out=screenshots
work=$(mktemp -d)
trap 'tmux kill-session -t mashot 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$out"
go build -o "$work/matomo-audit" .

cols=160 rows=48
start() {
  tmux kill-session -t mashot 2>/dev/null || true
  tmux new-session -d -s mashot -x "$cols" -y "$rows" \
    "env TERM=xterm-256color COLORTERM=truecolor $work/matomo-audit $*"
  sleep 1.5
}
keys() { for k in "$@"; do tmux send-keys -t mashot "$k"; sleep 0.15; done; sleep 0.5; }

# capture NAME TITLE: the current screen as screenshots/NAME.png
capture() {
  tmux capture-pane -p -e -t mashot > "$work/$1.ansi"
  aha --black --title "$2" < "$work/$1.ansi" > "$work/$1.body.html"
  # aha's page, with a monospace font and tight lines like a terminal.
  sed 's|</head>|<style>body{margin:12px;background:#000}pre{font-family:"DejaVu Sans Mono",monospace;font-size:14px;line-height:17px;margin:0}</style></head>|' \
    "$work/$1.body.html" > "$work/$1.html"
  width=$((cols * 85 / 10 + 24)) height=$((rows * 17 + 24))
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chrome" --hide-scrollbars \
    --window-size="$width,$height" --screenshot="$out/$1.png" "file://$work/$1.html" >/dev/null 2>&1
  echo "wrote $out/$1.png"
}

# The demo's incident: failed logins from one address, then a super-user grant.
start --demo --theme dark -q "'ip:203.0.113.66'"
keys k k k k k k k
capture timeline "matomo-audit: timeline with detail pane"

start --demo --theme dark
keys '?'
capture help "matomo-audit: keys"

# A selection of the incident and the export dialog for it.
start --demo --theme dark -q "'ip:203.0.113.66'" --follow=false
keys k k k k k k v k k k k k k k k e
capture export "matomo-audit: exporting a selection"

# The incident summary: privilege changes, the failed-login burst, top lists.
start --demo --theme dark --follow=false
keys s
capture summary "matomo-audit: incident summary"

# Following: the demo's live events arriving at the bottom.
start --demo --theme dark --tz Europe/Berlin
sleep 12
capture follow "matomo-audit: following new events"
