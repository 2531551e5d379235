"""Indonesian names for the demo's people, drawn from a seeded random generator."""

FIRST_NAMES = [
    "Andi",
    "Budi",
    "Citra",
    "Dewi",
    "Eko",
    "Fitri",
    "Gusti",
    "Hendra",
    "Indah",
    "Joko",
    "Kartini",
    "Lukman",
    "Maria",
    "Nur",
    "Putri",
    "Rahmat",
    "Siti",
    "Taufik",
    "Wahyu",
    "Yuliana",
    "Agus",
    "Rina",
    "Slamet",
    "Ayu",
]
LAST_NAMES = [
    "Saputra",
    "Wijaya",
    "Lestari",
    "Hidayat",
    "Pratama",
    "Kusuma",
    "Sari",
    "Nugroho",
    "Rahman",
    "Setiawan",
    "Utami",
    "Santoso",
    "Halim",
    "Gunawan",
    "Siregar",
    "Tambunan",
]


def person_name(rng) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
