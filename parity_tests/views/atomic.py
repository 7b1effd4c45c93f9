r"""``write_atomic``: the one way the views write a file (``parity diff --csv/--html/--markdown``, ``parity docs``):
through a temporary file in the same directory and ``os.replace``, keeping an existing file's permissions (a new
file gets the usual ones). Importing this module imports no framework."""
import os
import tempfile

__all__ = ["write_atomic"]


def _mode(path):
    r"""The file's own permissions, or the usual ones for a new file (0o666 less the umask)."""
    if os.path.exists(path):
        return os.stat(path).st_mode & 0o7777
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path, text):
    r"""Write ``text`` to ``path`` through a temporary file in the same directory and ``os.replace``."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    mode = _mode(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
