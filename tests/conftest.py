"""Suite-wide setup. The official futu-api client opens a log file under
$HOME at import and logs every packet; point HOME at a temporary folder and
turn its logging down before any test imports it."""

import logging
import os
import tempfile

_home = tempfile.mkdtemp(prefix="openfutu-test-home-")
os.environ["HOME"] = _home

try:
    from futu.common.ft_logger import logger as _futu_logger
    from futu.common.sys_config import SysConfig as _FutuSysConfig
except ImportError:  # the official client is a test dependency
    pass
else:
    _futu_logger.file_level = logging.CRITICAL
    _futu_logger.console_level = logging.CRITICAL
    _FutuSysConfig.set_all_thread_daemon(True)
