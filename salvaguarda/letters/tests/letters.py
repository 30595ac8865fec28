# ruff: noqa: E501 - letters are written as they circulate, one paragraph a line
"""Two language versions of one letter, written for the tests, with one drift (a number) and
duplicates (an organization alone and inside a coalition; a name spelled two ways)."""

SPANISH = """Asunto: Protección para personas devueltas

Ciudad de México, 12 de marzo de 2025

Mtra. Rosa Icela Rodríguez
Secretaria de Gobernación
Presente

Estimada Secretaria:

Las organizaciones firmantes documentamos 71,071 devoluciones desde 2019 y pedimos cumplir el amparo en revisión 302/2020.

Pedimos que se entreguen documentos migratorios en el [puerto de entrada](https://example.org/puertos).

Atentamente,

Organizaciones firmantes
1. Red Frontera (Coalición): Casa del Migrante Saltillo, Centro Prodh
2. Centro de Derechos Humanos Miguel Agustín Pro Juárez (Centro Prodh)
3. Asylum Access México – AAMX

Personas firmantes
- María José Hernández, investigadora
"""

ENGLISH = """Subject: Protection for returned people

Mexico City, March 12, 2025

Rosa Icela Rodríguez
Secretary of the Interior

Dear Secretary:

The signatory organizations documented 71,701 returns since 2019 and ask that the ruling in amparo 302/2020 be followed.

We ask that migration documents be handed out at the [port of entry](https://example.org/puertos).

Sincerely,

Signatory organizations
1. Red Frontera (Coalition): Casa del Migrante Saltillo, Centro Prodh
2. Centro de Derechos Humanos Miguel Agustin Pro Juarez A.C.
3. Asylum Access Mexico - AAMX

Individual signatories
- Maria Jose Hernandes, researcher
"""
