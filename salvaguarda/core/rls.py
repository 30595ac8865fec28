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
    """The wall of a `core.sharing.SharedRecord` table: its two sides, nobody else.

    - Reading and changing: the row's sender (`organization_id`) or recipient (`recipient_id`).
    - Creating: only the sender writes a new row in its own name, unless the row belongs to a
      shared `parent` row (a step of a referral), which either side adds to: then the new
      row must carry exactly its parent's two sides, and the parent must be visible.
    - Neither side can hand the row to a third organization: a trigger refuses any change of
      `organization_id` or `recipient_id`.
    - Deleting: the sender only.
    """

    def __init__(self, model_name: str, parent: tuple[str, str] | None = None) -> None:
        super().__init__(model_name)
        # (the parent's model name, this table's foreign-key column to it)
        self.parent = parent

    @staticmethod
    def condition() -> str:
        return f"(organization_id = {CURRENT} OR recipient_id = {CURRENT})"

    def _creation(self, app_label: str, state: Any, schema_editor: Any) -> str:
        if self.parent is None:
            return f"organization_id = {CURRENT}"
        model, column = self.parent
        parent = schema_editor.quote_name(self._table_of(app_label, state, model))
        # The new row's columns, named with its table: unqualified, they would be the parent's.
        row = schema_editor.quote_name(self._table(app_label, state))
        # Table and column names come from the models, quoted.
        return (
            f"{self.condition()} AND EXISTS (SELECT 1 FROM {parent} AS parent "  # noqa: S608
            f"WHERE parent.id = {row}.{schema_editor.quote_name(column)} "
            f"AND parent.organization_id = {row}.organization_id "
            f"AND parent.recipient_id IS NOT DISTINCT FROM {row}.recipient_id)"
        )

    @staticmethod
    def _table_of(app_label: str, state: Any, model: str) -> str:
        return str(state.apps.get_model(app_label, model)._meta.db_table)

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        name = self._table(app_label, to_state)
        table = schema_editor.quote_name(name)
        sides = self.condition()
        creation = self._creation(app_label, to_state, schema_editor)
        for statement in (
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY {POLICY_NAME} ON {table} FOR SELECT USING ({sides})",
            f"CREATE POLICY {POLICY_NAME}_insert ON {table} FOR INSERT WITH CHECK ({creation})",
            f"CREATE POLICY {POLICY_NAME}_update ON {table} FOR UPDATE USING ({sides}) "
            f"WITH CHECK ({creation if self.parent else sides})",
            f"CREATE POLICY {POLICY_NAME}_delete ON {table} FOR DELETE "
            f"USING (organization_id = {CURRENT})",
            f"""CREATE OR REPLACE FUNCTION {SIDES_FIXED}() RETURNS trigger AS $$
            BEGIN
                IF NEW.organization_id <> OLD.organization_id
                   OR NEW.recipient_id IS DISTINCT FROM OLD.recipient_id THEN
                    RAISE EXCEPTION 'the sides of a shared row cannot change'
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql""",
            f"CREATE TRIGGER {SIDES_FIXED} BEFORE UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {SIDES_FIXED}()",
        ):
            schema_editor.execute(statement)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(self._table(app_label, from_state))
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {SIDES_FIXED} ON {table}")
        for suffix in ("_insert", "_update", "_delete"):
            schema_editor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME}{suffix} ON {table}")
        super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"Enable row-level security on {self.model_name}, shared by its two sides"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name}
        if self.parent is not None:
            kwargs["parent"] = self.parent
        return (self.__class__.__name__, [], kwargs)


# The trigger (and its function) that keeps a shared row's two sides as they were created.
SIDES_FIXED = "salvaguarda_shared_sides_fixed"
