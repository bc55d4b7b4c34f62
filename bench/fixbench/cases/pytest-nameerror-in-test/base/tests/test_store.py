import os

from store import upload_path


def test_upload_path_joins_like_os_path() -> None:
    assert upload_path("/srv/files/", "a.txt") == os.path.join("/srv/files", "a.txt")
