#!/usr/bin/env bash
# Build the site, then sync the live release to where it is served.
#
#   ./publish.sh                         build only (the site is served from site/current)
#   ./publish.sh /var/www/club           a local directory
#   ./publish.sh user@host:/var/www/club an rsync destination (over ssh)
#   ./publish.sh s3://bucket/prefix      an S3-compatible bucket (aws CLI; set
#                                        AWS_ENDPOINT_URL for a non-Amazon service)
#
# Only changed files are sent, and in an order that keeps the copy a consistent site even when a
# sync stops half way: the assets first, then the pages that point at them, deletions last.
# Rerunning completes it. Unchanged files keep their size and modification time from release to
# release (they are hard links), which is what rsync compares; a bucket compares MD5 checksums.
#
#   rsync  copies every file, with the gzip form of each text file beside it (`index.html.gz`)
#          for nginx's gzip_static.
#   s3://  stores each text file as its gzip form with Content-Encoding: gzip, and gives every
#          object its Content-Type and Cache-Control (kwai_gen/bucket.py; needs boto3:
#          pip install 'kwai[s3]'; credentials and endpoint from AWS_* variables, e.g.
#          AWS_ENDPOINT_URL for a non-Amazon service).
#
set -euo pipefail

target="${1:-}"

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
    python3 -m kwai_gen.bucket "$live" "$target" || exit 1
    ;;
  *)
    command -v rsync >/dev/null || fail "the rsync command is needed for $target"
    case "$target" in *:*) ;; *) mkdir -p "$target" ;; esac
    pages=()
    for suffix in $(python3 -c 'from kwai_gen.serving import PAGE_SUFFIXES; print(*PAGE_SUFFIXES)'); do
      pages+=(--exclude "*$suffix" --exclude "*$suffix.gz")
    done
    # The assets, then everything else with the deletions after it. -L: the release is reached
    # through the `current` symlink; --delay-updates: each pass moves its files into place
    # together at its end.
    sync=(rsync -rLt --delay-updates --itemize-changes)
    "${sync[@]}" "${pages[@]}" "$live/" "${target%/}/"
    "${sync[@]}" --delete-delay "$live/" "${target%/}/"
    echo "published $live to $target"
    ;;
esac
