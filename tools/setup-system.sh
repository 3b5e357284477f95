#!/usr/bin/env bash
# Install the system packages dibao needs, only when they are missing (Debian/Ubuntu).
#   LibreOffice writer + python3-uno (forms -> PDF), LibreOffice calc (the roster tests write real .xls), Noto CJK fonts (+ HanaMin for rare CJK characters), tesseract with chi_sim (OCR),
#   poppler-utils (pdftoppm/pdftotext), python3-venv (the project environment),
#   chromium + chromium-driver (the web UI's browser tests, driven by Selenium through /usr/bin/chromedriver).
set -euo pipefail

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
test -e /usr/lib/libreoffice/program/libscfiltlo.so || missing+=(libreoffice-calc-nogui)   # roster tests: .xlsx -> .xls
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || missing+=(python3-uno)
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
# grep without -q reads all its input: with pipefail, an early-exiting grep -q makes the writer die of
# SIGPIPE (exit 141) and the check fail although the package is installed.
{ tesseract --list-langs 2>/dev/null | grep -x chi_sim >/dev/null; } || missing+=(tesseract-ocr-chi-sim)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
{ fc-list 2>/dev/null | grep "Noto Serif CJK" >/dev/null; } || missing+=(fonts-noto-cjk fontconfig)
test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || missing+=(fonts-dejavu-core)   # embedded page numbers (PDF/A)
test -f /usr/share/fonts/truetype/hanazono/HanaMinB.ttf || missing+=(fonts-hanazono)   # CJK Extension B-F (𪚥) fallback
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || missing+=(python3-venv)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "安装系统软件包：${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "需要管理员权限安装：${missing[*]}。请用 root 运行，或先安装 sudo。" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
