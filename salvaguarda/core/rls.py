"""Migration operation that puts a case-data table under PostgreSQL row-level security.

Every `OrgScopedModel` gets it in its app's migrations (a test checks that none is missing);
a `core.sharing.SharedRecord` gets the shared variant, `EnableSharedRowLevelSecurity`.
The policy compares the row's organization with `salvaguarda.organization_id`, which
`organization_scope` sets for the transaction; when it is not set, no row is visible or
writable. FORCE makes the policy apply to the table owner too; only superusers and roles
with BYPASSRLS escape it, and the application must connect with neither.
"""

from typing import Any

from django.db import migrations

from salvaguarda.core.scoping import RLS_SETTING

POLICY_NAME = "salvaguarda_organization_isolation"
# The scope's organization, as the policies read it (NULL outside a scope: no row matches).
CURRENT = f"NULLIF(current_setting('{RLS_SETTING}', true), '')::bigint"


class EnableRowLevelSecurity(migrations.operations.base.Operation):
    reversible = True

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    @staticmethod
    def condition() -> str:
        """Which rows the scope's organization may see and write."""
        return f"organization_id = {CURRENT}"

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _table(self, app_label: str, state: Any) -> str:
        return str(state.apps.get_model(app_label, self.model_name)._meta.db_table)

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(self._table(app_label, to_state))
        condition = self.condition()
        schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        schema_editor.execute(
            f"CREATE POLICY {POLICY_NAME} ON {table} USING ({condition}) WITH CHECK ({condition})"
        )

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(self._table(app_label, from_state))
        schema_editor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")

    def describe(self) -> str:
        return f"Enable row-level security on {self.model_name}"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__name__, [], {"model_name": self.model_name})


class EnableSharedRowLevelSecurity(EnableRowLevelSecurity):
    """The same wall for a `core.sharing.SharedRecord` table: its two sides, nobody else."""

    @staticmethod
    def condition() -> str:
        return f"(organization_id = {CURRENT} OR recipient_id = {CURRENT})"

    def describe(self) -> str:
        return f"Enable row-level security on {self.model_name}, shared by its two sides"
