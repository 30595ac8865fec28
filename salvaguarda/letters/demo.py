# ruff: noqa: E501 - letters are written as they circulate, one paragraph a line
"""The demo network's sign-on letter: two versions with one number that drifted and one
organization listed twice, open for signatures. Synthetic text; no real person signs it."""

import datetime

from django.utils import timezone

from salvaguarda.accounts.models import Organization, User
from salvaguarda.core.writes import update
from salvaguarda.letters import services, services_signing
from salvaguarda.letters.models import Letter

SPANISH = """Asunto: Documentos migratorios para las personas devueltas a México

Ciudad Juárez, Chihuahua, 2 de noviembre de 2026

Lic. Nombre Apellido (demo)
Titular del Instituto Nacional de Migración
Presente

Estimada titular:

Las organizaciones firmantes acompañamos en 2026 a 4,215 personas devueltas a Ciudad Juárez, Tijuana, Mexicali, Nuevo Laredo y Reynosa para esperar sus audiencias en los Estados Unidos.

La Suprema Corte de Justicia de la Nación ordenó en el amparo en revisión 302/2020 garantizar su acceso a la salud, la educación y el trabajo, lo que requiere una [Tarjeta de Visitante por Razones Humanitarias](https://example.org/tvrh) entregada en el puerto de entrada.

Le pedimos que el Instituto Nacional de Migración entregue ese documento a cada persona devuelta el mismo día de su llegada, sin costo, y que informe cada mes cuántos entregó en cada puerto.

Atentamente,

Organizaciones firmantes
1. Red Salvaguarda (demo) (Red): Albergue Frontera Tijuana (demo); Casa de Acogida Nuevo Laredo (demo)
2. Centro de Derechos Humanos Paso Norte (demo)
3. Albergue Frontera Tijuana A.C. (demo)

Personas firmantes
- Lucía Fernández Ruiz (demo), defensora de derechos humanos
"""

ENGLISH = """Subject: Migration documents for the people returned to Mexico

Ciudad Juárez, Chihuahua, November 2, 2026

Nombre Apellido (demo)
Commissioner of the National Migration Institute

Dear Commissioner:

In 2026 the signatory organizations accompanied 4,251 people returned to Ciudad Juárez, Tijuana, Mexicali, Nuevo Laredo and Reynosa to wait for their hearings in the United States.

In amparo en revisión 302/2020, Mexico's Supreme Court ordered that their access to health care, school and work be guaranteed, which needs a [Visitor Card for Humanitarian Reasons](https://example.org/tvrh) handed out at the port of entry.

We ask that the National Migration Institute hand that document to every returned person on the day they arrive, free of charge, and report each month how many it handed out at each port.

Sincerely,

Signatory organizations
1. Red Salvaguarda (demo) (Network): Albergue Frontera Tijuana (demo); Casa de Acogida Nuevo Laredo (demo)
2. Centro de Derechos Humanos Paso Norte (demo)
3. Albergue Frontera Tijuana A.C. (demo)

Individual signatories
- Lucia Fernandez Ruiz (demo), human-rights defender
"""


def seed_letter(by: User, organization: Organization) -> Letter:
    """Import the demo letter for `organization` (inside its scope), open it for signatures
    until a month from now, and open its public page."""
    letter = services.letter_import(
        by=by, organization=organization, texts={"es": SPANISH, "en": ENGLISH}
    )
    update(
        letter,
        by=by,
        values={
            "status": Letter.Status.OPEN,
            "date": datetime.date(2026, 11, 2),
            "deadline": timezone.localdate() + datetime.timedelta(days=30),
        },
    )
    services_signing.sign_on_page_open(by=by, letter=letter)
    return letter
