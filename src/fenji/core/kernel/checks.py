"""System checks: the profile named by FENJI_PROFILE exists; the data keys load, and the key file is
readable by its owner only."""

import stat

from django.core import checks

from . import crypto, profiles


@checks.register()
def profile_exists(app_configs=None, **kwargs):
    try:
        profiles.active()
    except profiles.UnknownProfile as error:
        return [checks.Error(str(error), id="kernel.E002", hint="设置环境变量 FENJI_PROFILE 为上述之一")]
    return []


@checks.register(checks.Tags.security)
def data_keys_load(app_configs=None, **kwargs):
    try:
        crypto.keyring()
    except crypto.KeyConfigError as error:
        return [checks.Error(f"个人信息加密密钥无法加载：{error}", id="kernel.E001",
                             hint="设置 FENJI_DATA_KEYS + FENJI_INDEX_KEY、FENJI_DATA_KEY，或提供密钥文件")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def data_key_file_private(app_configs=None, **kwargs):
    if crypto.env_configured():
        return []
    path = crypto.default_key_file()
    if path.exists() and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return [checks.Warning(f"密钥文件 {path} 可被其他用户读取", id="kernel.W001", hint=f"chmod 600 {path}")]
    return []
