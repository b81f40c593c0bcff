# Sourced by scripts/test: the independent peers the tests run against, from
# Debian's packages (OpenSSH's sftp client and sshd for the SFTP tests, openssl for
# AS2). Installed only when missing; without apt (not Debian) the tests that need
# a missing peer say so and skip.
_want=()
command -v sftp >/dev/null 2>&1 || _want+=(openssh-client)
[ -x /usr/sbin/sshd ] || _want+=(openssh-server)
command -v openssl >/dev/null 2>&1 || _want+=(openssl)
command -v curl >/dev/null 2>&1 || _want+=(curl)
# The console's browser tests drive Debian's Chromium through Playwright (tests/browser/).
command -v chromium >/dev/null 2>&1 || _want+=(chromium)
if [ "${#_want[@]}" -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing test peers: ${_want[*]}"
    _sudo=""
    [ "$(id -u)" = 0 ] || _sudo="sudo"
    # policy-rc.d keeps the package from starting a system sshd: the tests start their own.
    $_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${_want[@]}" >/dev/null \
        || { $_sudo apt-get update -q >/dev/null && $_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${_want[@]}" >/dev/null; } \
        || echo "could not install ${_want[*]}; the tests that need them will skip" >&2
fi
unset _want _sudo
