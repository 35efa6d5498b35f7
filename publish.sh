#!/usr/bin/env bash
# Build the site, then sync the live release to where it is served.
#
#   ./publish.sh                         build only (the site is served from site/current)
#   ./publish.sh /var/www/club           a local directory
#   ./publish.sh user@host:/var/www/club an rsync destination (over ssh)
#   ./publish.sh s3://bucket/prefix      an S3-compatible bucket (aws CLI; set
#                                        AWS_ENDPOINT_URL for a non-Amazon service)
#
# Only changed files are sent: unchanged files keep their size and modification time from
# release to release (they are hard links), which is what rsync and `aws s3 sync` compare.
# HTML, feeds and calendars get a short cache lifetime, assets a long one (uploaded images,
# named by their content, a year).
#
# Settings as for `kwai` (kwai.toml or KWAI_SETTINGS_FILE, KWAI_* variables);
# KWAI_PUBLISH_SKIP_BUILD=1 syncs the live release without building first.
set -euo pipefail

target="${1:-}"
short_cache="${KWAI_PUBLISH_SHORT_CACHE:-max-age=60}"
long_cache="${KWAI_PUBLISH_LONG_CACHE:-max-age=604800}"

fail() { echo "publish: $*" >&2; exit 1; }

if [ "${KWAI_PUBLISH_SKIP_BUILD:-0}" != "1" ]; then
  kwai build || fail "the build failed; nothing was published"
fi

output=$(python3 -c 'from kwai_api.core.settings import Settings; print(Settings.load().site.output)' 2>/dev/null) \
  || fail "could not read the settings (is kwai installed in this Python?)"
live="$output/current"
[ -d "$live" ] || fail "there is no live release at $live; run kwai build first"

case "$target" in
  "")
    echo "built $live"
    ;;
  s3://*)
    command -v aws >/dev/null || fail "the aws command is needed for $target"
    short=(--exclude '*' --include '*.html' --include '*.xml' --include '*.ics' --include '*.txt')
    # Assets first, so no new page ever points at an asset that is not there yet. Uploaded
    # images are named by their content: they never change, so they are cached for a year.
    if [ -d "$live/images/u" ]; then
      aws s3 sync "$live/images/u/" "${target%/}/images/u/" \
        --cache-control "public, max-age=31536000, immutable"
    fi
    aws s3 sync "$live/" "$target" --exclude '*.html' --exclude '*.xml' \
      --exclude '*.ics' --exclude '*.txt' --exclude 'images/u/*' \
      --cache-control "public, $long_cache"
    aws s3 sync "$live/" "$target" "${short[@]}" --cache-control "public, $short_cache"
    # Everything is uploaded by now; this pass only removes what the release no longer has.
    aws s3 sync "$live/" "$target" --delete
    echo "published $live to $target"
    ;;
  *)
    command -v rsync >/dev/null || fail "the rsync command is needed for $target"
    case "$target" in *:*) ;; *) mkdir -p "$target" ;; esac
    # -L: the release is reached through the `current` symlink; --delay-updates: the target
    # switches as late as possible, so readers rarely see a half-synced site.
    rsync -rLt --delete --delay-updates --itemize-changes "$live/" "${target%/}/"
    echo "published $live to $target"
    ;;
esac
