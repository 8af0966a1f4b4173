"""xCAT's SSL credentials, made with the openssl CLI and laid out as xcatconfig lays them.

- /etc/xcat/ca/ca-cert.pem, /etc/xcat/ca/private/ca-key.pem: the cluster's CA (xCAT's
  ``setup-xcat-ca.sh``)
- /etc/xcat/cert/server-cert.pem, server-key.pem, server-cred.pem, ca.pem: xcatd's
  certificate (``setup-server-cert.sh``), CN = the MN's hostname
- ~/.xcat/ca.pem, client-cert.pem, client-key.pem, client-cred.pem: the user's client
  credentials (``setup-local-client.sh``), CN = the user name

Runbook section 6.1 keeps /etc/xcat/ca, /etc/xcat/cert and ~/.xcat identical on both MNs:
only then do clients holding the primary's credentials get into the standby's xcatd.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from simulators.xcatsim import paths

DAYS = "7300"
BITS = "2048"


class CertError(Exception):
    pass


def _openssl(*args: str) -> None:
    done = subprocess.run(["openssl", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CertError(f"openssl {args[0]} failed: {done.stderr.strip()[-400:]}")


def ca_dir() -> Path:
    return paths.etc_xcat() / "ca"


def cert_dir() -> Path:
    return paths.etc_xcat() / "cert"


def ca_cert() -> Path:
    return ca_dir() / "ca-cert.pem"


def ca_key() -> Path:
    return ca_dir() / "private" / "ca-key.pem"


def _private(path: Path) -> None:
    path.chmod(0o600)


def make_ca(force: bool = False) -> bool:
    """Create the CA unless it exists; True when one was made."""
    if ca_cert().exists() and ca_key().exists() and not force:
        return False
    ca_key().parent.mkdir(parents=True, exist_ok=True)
    _openssl("genrsa", "-out", str(ca_key()), BITS)
    _private(ca_key())
    host = socket.gethostname().split(".")[0]
    _openssl("req", "-new", "-x509", "-sha256", "-days", DAYS, "-key", str(ca_key()),
             "-out", str(ca_cert()), "-subj", f"/CN=xCAT CA/O={host}",
             "-set_serial", str(secrets.randbits(63)),
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             "-addext", "subjectKeyIdentifier=hash")
    (ca_dir() / "index").touch()
    (ca_dir() / "serial").write_text("01\n")
    return True


def _sign(cn: str, key: Path, cert: Path, usage: str, san: str | None) -> None:
    key.parent.mkdir(parents=True, exist_ok=True)
    _openssl("genrsa", "-out", str(key), BITS)
    _private(key)
    ext = ["basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment",
           f"extendedKeyUsage={usage}", "subjectKeyIdentifier=hash",
           "authorityKeyIdentifier=keyid,issuer"]
    if san:
        ext.append(f"subjectAltName={san}")
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "req.pem"
        extfile = Path(tmp) / "ext.cnf"
        extfile.write_text("\n".join(ext) + "\n")
        _openssl("req", "-new", "-key", str(key), "-out", str(req), "-subj", f"/CN={cn}")
        _openssl("x509", "-req", "-sha256", "-days", DAYS, "-in", str(req),
                 "-CA", str(ca_cert()), "-CAkey", str(ca_key()),
                 "-set_serial", str(secrets.randbits(63)),
                 "-extfile", str(extfile), "-out", str(cert))


def make_server_cert(hostname: str | None = None) -> None:
    host = hostname or socket.gethostname().split(".")[0]
    d = cert_dir()
    d.mkdir(parents=True, exist_ok=True)
    san = f"DNS:{host},DNS:localhost,IP:127.0.0.1"
    _sign(host, d / "server-key.pem", d / "server-cert.pem", "serverAuth,clientAuth", san)
    cred = d / "server-cred.pem"
    cred.write_text((d / "server-key.pem").read_text() + (d / "server-cert.pem").read_text())
    _private(cred)
    shutil.copyfile(ca_cert(), d / "ca.pem")


def make_client_creds(user: str | None = None, dest: Path | None = None) -> Path:
    user = user or _user()
    d = dest or paths.user_xcat()
    d.mkdir(parents=True, exist_ok=True)
    os.chmod(d, 0o700)
    _sign(user, d / "client-key.pem", d / "client-cert.pem", "clientAuth", None)
    cred = d / "client-cred.pem"
    cred.write_text((d / "client-key.pem").read_text() + (d / "client-cert.pem").read_text())
    _private(cred)
    shutil.copyfile(ca_cert(), d / "ca.pem")
    return d


def _user() -> str:
    try:
        import pwd
        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return os.environ.get("USER", "root")


def init(force: bool = False, hostname: str | None = None) -> list[str]:
    """xcatconfig's credential setup: CA, server certificate, the user's client credentials.

    Existing credentials are kept (so synchronised ones survive) unless FORCE."""
    done: list[str] = []
    made_ca = make_ca(force)
    if made_ca:
        done.append(f"Created xCAT certificate authority in {ca_dir()}.")
    if made_ca or not (cert_dir() / "server-cred.pem").exists():
        make_server_cert(hostname)
        done.append(f"Created xCAT server credentials in {cert_dir()}.")
    if made_ca or not (paths.user_xcat() / "client-cred.pem").exists():
        make_client_creds()
        done.append(f"Created xCAT client credentials in {paths.user_xcat()}.")
    return done
