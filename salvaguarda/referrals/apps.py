from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "salvaguarda.referrals"
    label = "referrals"

    def ready(self) -> None:
        from salvaguarda.core import upkeep
        from salvaguarda.people import dependents, panels, safeguard_proofs
        from salvaguarda.referrals.directory import imports as directory_imports
        from salvaguarda.referrals.documents import queries as document_queries
        from salvaguarda.referrals.documents import reminders as document_reminders
        from salvaguarda.referrals.referring import queries, reminders, safeguards, services
        from salvaguarda.referrals.rights import safeguards as rights_safeguards
        from salvaguarda.referrals.rights import views as rights_views

        # A revoked referral consent erases what crossed under it.
        dependents.listen_revocation(services.consent_revoked)
        # The sweep of overdue referrals whose queued reminder was lost.
        if reminders.referrals_remind_overdue not in upkeep.PERIODIC:
            upkeep.PERIODIC.append(reminders.referrals_remind_overdue)
        # Directory imports whose worker was lost end as failed.
        if directory_imports.directory_imports_abandoned not in upkeep.PERIODIC:
            upkeep.PERIODIC.append(directory_imports.directory_imports_abandoned)
        # The e-mail reminder of migration documents about to expire (30 and 7 days before).
        if document_reminders.documents_remind_expiring not in upkeep.PERIODIC:
            upkeep.PERIODIC.append(document_reminders.documents_remind_expiring)
        # A completed referral ticks "Referrals made" on the person's checklist; a child's
        # school records decide "School place for a child".
        for source in (safeguards.SOURCE, rights_safeguards.SOURCE):
            safeguard_proofs.register(source)
        # A person's referrals, on their file.
        panels.register(
            panels.Panel(
                order=20,
                template="referrals/_person_referrals.html",
                context=lambda user, person: {
                    "person": person,
                    "referrals": queries.referrals_for_panel(person),
                },
            )
        )
        # A person's applications for Mexican documents and their refugee claim.
        panels.register(
            panels.Panel(
                order=15,
                template="referrals/_person_documents.html",
                context=lambda user, person: {
                    "person": person,
                    "documents": document_queries.documents_panel(person),
                },
            )
        )
        # A person's access to rights at a glance, and the school of their family's children.
        panels.register(
            panels.Panel(
                order=10,
                template="referrals/_person_rights.html",
                context=rights_views.person_rights,
            )
        )
