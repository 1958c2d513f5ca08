"""Database sessions whose keys are not in the database (``SESSION_ENGINE``).

The session cookie carries a random key of 32 characters; the ``django_session`` row stores only the first
40 hex digits of its SHA-256 (``stored_key``). Whoever reads the table (a copy of the database file, a
backup) finds no value that works as a cookie: replaying a stored key as the cookie finds no session. The
key has about 165 bits of entropy, so its hash needs no salt to be irreversible. Keys stored in the clear by
the plain database engine match no hash: deploying this ends the sessions that were open (once).

Everything else is Django's database engine: login cycles the key, logout deletes the row, the idle
timeout and ``clearsessions`` work on ``expire_date`` as before.
"""

import hashlib
import logging

from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone


def stored_key(session_key: str) -> str:
    """The value the session table holds for the cookie value ``session_key``."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:40]


def _log_suspicious(error: SuspiciousOperation) -> None:
    logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))


class SessionStore(db.SessionStore):
    """``django.contrib.sessions.backends.db`` with the key hashed wherever it meets the database."""

    def _get_session_from_db(self):
        try:
            return self.model.objects.get(session_key=stored_key(self.session_key), expire_date__gt=timezone.now())
        except self.model.DoesNotExist:
            self._session_key = None
        except SuspiciousOperation as error:
            _log_suspicious(error)
            self._session_key = None

    async def _aget_session_from_db(self):
        try:
            return await self.model.objects.aget(session_key=stored_key(self.session_key),
                                                 expire_date__gt=timezone.now())
        except self.model.DoesNotExist:
            self._session_key = None
        except SuspiciousOperation as error:
            _log_suspicious(error)
            self._session_key = None

    def exists(self, session_key):
        return self.model.objects.filter(session_key=stored_key(session_key)).exists()

    async def aexists(self, session_key):
        return await self.model.objects.filter(session_key=stored_key(session_key)).aexists()

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.session_key = stored_key(instance.session_key)
        return instance

    async def acreate_model_instance(self, data):
        instance = await super().acreate_model_instance(data)
        instance.session_key = stored_key(instance.session_key)
        return instance

    def delete(self, session_key=None):
        session_key = self.session_key if session_key is None else session_key
        if session_key is not None:
            self.model.objects.filter(session_key=stored_key(session_key)).delete()

    async def adelete(self, session_key=None):
        session_key = self.session_key if session_key is None else session_key
        if session_key is not None:
            await self.model.objects.filter(session_key=stored_key(session_key)).adelete()
