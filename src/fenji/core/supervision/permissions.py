"""What the supervision app declares: its actions, menu entries, to-dos and audit labels."""

from fenji.core.kernel.modules import Module, register

register(Module("supervision", "监督考核", core=True))
