"""Evidence files: what an upload really is (`sniff`), the location hidden in photos (`images`),
and encrypted storage with one key per file (`sealed`). No models here: the services call these.
"""
