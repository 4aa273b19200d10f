"""No network for Python processes started by the tests (notebook kernels, command lines).

Python imports ``sitecustomize`` at start-up from the first folder on ``sys.path`` that has one.
With this folder on ``PYTHONPATH`` and ``TOOLKIT_BLOCK_NETWORK=1`` in the environment, every Python
process started under it refuses to reach the network: a connection, a datagram or a name lookup
for anything but this machine raises ``OSError`` and is recorded. Local sockets stay usable, so a
Jupyter kernel still talks to its client over loopback ZeroMQ (libzmq's own sockets are not Python
sockets in any case) and local servers still bind 127.0.0.1.

``TOOLKIT_NETWORK_LOG`` names a folder: each guarded process writes ``<pid>.log`` there with a line
``armed <argv>`` when the guard is installed and one line ``blocked <what>`` per refused attempt,
so a test can check both that the guard was on in the processes it cares about and that nothing
tried the network (even code that swallows the error, as ``nltk.download`` does).

The tests use :func:`install` directly for their own process. Any ``sitecustomize`` that this
one shadows is loaded afterwards, so nothing else changes.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys

__all__ = ["install", "uninstall", "is_local", "NetworkBlocked"]

_REAL = {}
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}


class NetworkBlocked(ConnectionRefusedError):
    """A network access refused by the test guard."""


def is_local(host) -> bool:
    """Whether ``host`` (a name or an address) is this machine."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0].lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _log(line: str):
    folder = os.environ.get("TOOLKIT_NETWORK_LOG")
    if not folder:
        return
    try:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"{os.getpid()}.log"), "a", encoding="utf-8") as handle:
            handle.write(line.replace("\n", " ") + "\n")
    except OSError:
        pass


def _refuse(what: str):
    _log(f"blocked {what}")
    raise NetworkBlocked(f"network access blocked in tests: {what}")


def _address_host(family, address):
    if family in (getattr(socket, "AF_UNIX", None), getattr(socket, "AF_NETLINK", None)):
        return None  # local by nature
    if isinstance(address, tuple) and address:
        return address[0]
    return address


def _guarded(name):
    real = _REAL[name]

    def method(self, address, *args):
        host = _address_host(self.family, address)
        if host is not None and not is_local(host):
            _refuse(f"socket.{name}({address!r})")
        return real(self, address, *args)

    method.__name__ = name
    return method


def _sendto(self, data, *args):
    address = args[-1]
    host = _address_host(self.family, address)
    if host is not None and not is_local(host):
        _refuse(f"socket.sendto({address!r})")
    return _REAL["sendto"](self, data, *args)


def _lookup(name):
    real = _REAL[name]

    def lookup(host, *args, **kwargs):
        if not is_local(host):
            _refuse(f"socket.{name}({host!r})")
        return real(host, *args, **kwargs)

    lookup.__name__ = name
    return lookup


def install():
    """Block non-local network access in this process (idempotent)."""
    if _REAL:
        return
    for name in ("connect", "connect_ex", "sendto"):
        _REAL[name] = getattr(socket.socket, name)
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        _REAL[name] = getattr(socket, name)
    socket.socket.connect = _guarded("connect")
    socket.socket.connect_ex = _guarded("connect_ex")
    socket.socket.sendto = _sendto
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        setattr(socket, name, _lookup(name))
    _log("armed " + _command_line()[:300])


def _command_line() -> str:
    """This process's command line (``sys.argv`` lacks ``-m module`` while site runs)."""
    try:
        with open("/proc/self/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return " ".join(getattr(sys, "argv", []))


def uninstall():
    """Undo :func:`install`."""
    for name in ("connect", "connect_ex", "sendto"):
        if name in _REAL:
            setattr(socket.socket, name, _REAL.pop(name))
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        if name in _REAL:
            setattr(socket, name, _REAL.pop(name))


def _chain():
    """Load the sitecustomize this file shadows, if there is one."""
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    for folder in sys.path:
        if not folder or os.path.abspath(folder) == here:
            continue
        candidate = os.path.join(folder, "sitecustomize.py")
        if os.path.isfile(candidate):
            spec = importlib.util.spec_from_file_location("_shadowed_sitecustomize", candidate)
            module = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(module)
            except Exception:  # noqa: BLE001 - never break interpreter start-up
                pass
            return


if os.environ.get("TOOLKIT_BLOCK_NETWORK") == "1":
    install()
_chain()
