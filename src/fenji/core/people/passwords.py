"""The seed's password rule (003 §15): ≥10 characters, letters + digits + specials, no phone number,
not a common password, none of the last 5. Wired through AUTH_PASSWORD_VALIDATORS."""

import secrets
import string

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

SPECIALS = set(string.punctuation)
MAX_LENGTH = 128


class LengthValidator:
    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码至少需要 {self.min_length} 个字符（当前 {len(password)} 个）", code="too_short")
        if len(password) > MAX_LENGTH:
            raise ValidationError(f"密码不能超过 {MAX_LENGTH} 个字符", code="too_long")

    def get_help_text(self):
        return f"至少 {self.min_length} 个字符"


class CharacterClassValidator:
    def validate(self, password, user=None):
        missing = []
        if not any(c.isascii() and c.isalpha() for c in password):
            missing.append("字母")
        if not any(c.isdigit() for c in password):
            missing.append("数字")
        if not any(c in SPECIALS for c in password):
            missing.append("特殊字符")
        if missing:
            raise ValidationError(
                f"密码必须同时包含字母、数字和特殊字符（缺少：{'、'.join(missing)}）", code="character_classes"
            )

    def get_help_text(self):
        return "须同时包含字母、数字和特殊字符（如 !@#$%）"


class NotContainingMobileValidator:
    def validate(self, password, user=None):
        mobile = getattr(user, "mobile", "") or ""
        if mobile and mobile in password:
            raise ValidationError("密码不能包含手机号码", code="contains_mobile")

    def get_help_text(self):
        return "不能包含手机号码"


class HistoryValidator:
    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        recent = list(user.password_history.values_list("password", flat=True)[: self.count])
        if user.password:
            recent.append(user.password)
        if any(check_password(password, encoded) for encoded in recent):
            raise ValidationError(f"不能使用最近 {self.count} 次用过的密码", code="reused")

    def get_help_text(self):
        return f"不能与最近 {self.count} 次的密码相同"


def generate_initial_password(length: int = 12) -> str:
    """A random password that satisfies the rule, without look-alike characters."""
    letters = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    digits = "23456789"
    specials = "!@#$%&*?"
    alphabet = letters + digits + specials
    chars = [secrets.choice(letters), secrets.choice(digits), secrets.choice(specials)]
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
