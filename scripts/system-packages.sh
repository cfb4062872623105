#!/usr/bin/env bash
# System packages (系统软件包) that `make test` and CI need beyond Python. Fonts are NOT here:
# the CJK fonts come from PyPI (mplfonts) with the project's own set-up.
#
#   postgresql            store tests run on a real server (tests/conftest.py: initdb + pg_ctl)
#   libpango-1.0-0,
#   libpangoft2-1.0-0     WeasyPrint (PDF); the base image has them, a slimmer one may not
#   libharfbuzz-subset0   WeasyPrint subsets the embedded CJK fonts with it in under a second;
#                         without it fontTools takes ~17 s per PDF
#   chromium              headless browser for the browser tests
#   libreoffice-writer-nogui  opens the bulletin's DOCX as an office would and lays it out
#                         as PDF (tests/reports/test_document_form.py checks it page by page)
#   openjdk-17-jre-headless  Spark tests, only when no `java` is on PATH
#
# As root on Debian (apt-get): installs what is missing, running `apt-get update` once first.
# Otherwise: prints what to install and exits 0; the PostgreSQL tests then skip with a clear
# reason, unless YIGAI_REQUIRE_POSTGRES=1 (CI), which turns their absence into a failure.
set -euo pipefail

pkgs=(postgresql libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium
      libreoffice-writer-nogui)
command -v java >/dev/null 2>&1 || pkgs+=(openjdk-17-jre-headless)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${pkgs[@]}"; do
    # `dpkg-query -W` alone also matches packages removed but not purged: ask for the status.
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing+=("$p")
  done
else
  missing=("${pkgs[@]}")
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装系统软件包 / installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit 0
fi

cat >&2 <<EOF
!!! 缺少测试所需的系统软件包 / system packages the tests need are missing: ${missing[*]}
    本脚本只在 Debian 上以 root 身份自动安装；请自行安装后重新运行 /
    this script installs them only as root on Debian; install them yourself, e.g.
      sudo apt-get install --no-install-recommends ${missing[*]}
    （其他系统请安装对应软件包：PostgreSQL 服务器、Pango、HarfBuzz subset、Chromium、LibreOffice Writer /
     elsewhere, install the equivalents: PostgreSQL server, Pango, HarfBuzz subset, Chromium,
     LibreOffice Writer）
    继续运行测试：缺少 PostgreSQL 时其测试将跳过并说明原因（CI 中 YIGAI_REQUIRE_POSTGRES=1 则失败）/
    carrying on: without PostgreSQL its tests skip with the reason (a failure when
    YIGAI_REQUIRE_POSTGRES=1, as in CI).
EOF
exit 0
