"""Outputs are written to a temporary file and moved into place (danhgia.write.safe)."""


def test_outputs_get_ordinary_file_permissions(tmp_path):
    import os

    from danhgia.write.safe import write_bytes

    old = os.umask(0o022)
    try:
        p = write_bytes(tmp_path / "out.xlsx", b"x")
    finally:
        os.umask(old)
    assert p.stat().st_mode & 0o777 == 0o644
