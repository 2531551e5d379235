"""Cooperative and regency names as ODS and ppkl compare them.

The same cooperative is written "KSP Maju Jaya", "K.S.P. Maju Jaya", "Kop. Simpan Pinjam Maju
Jaya" or "Koperasi Simpan Pinjam MAJU JAYA"; `name_key` makes these one key: accents, case,
spaces and punctuation dropped, and the legal form at the front written one way.
"""

import re
import unicodedata

# The legal form at the front of a name, longest first, each as the words left after
# punctuation is removed. The value is the one spelling the key uses.
_FORMS: dict[str, tuple[str, ...]] = {
    "ksp": (
        "koperasi simpan pinjam",
        "kop simpan pinjam",
        "ksp",
    ),
    "kspps": (
        "koperasi simpan pinjam dan pembiayaan syariah",
        "koperasi simpan pinjam pembiayaan syariah",
        "kspps",
    ),
    "ksu": ("koperasi serba usaha", "kop serba usaha", "ksu"),
    "kopwan": ("koperasi wanita", "kop wanita", "kopwan"),
    "kud": ("koperasi unit desa", "kop unit desa", "kud"),
    "kopkar": ("koperasi karyawan", "kop karyawan", "kopkar"),
    "kpri": ("koperasi pegawai republik indonesia", "kpri"),
    "kopdit": ("koperasi kredit", "kop kredit", "kopdit"),
    "kopontren": ("koperasi pondok pesantren", "kop pondok pesantren", "kopontren"),
    "kopprod": ("koperasi produsen", "kop produsen", "kopprod"),
    "kopkons": ("koperasi konsumen", "kop konsumen", "kopkons"),
    "koppem": ("koperasi pemasaran", "kop pemasaran"),
    "kopjas": ("koperasi jasa", "kop jasa"),
    "kop": ("koperasi", "kop"),
}
# By first word, longest first: a national extract has 210,000 names to split.
_PREFIXES: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _form, _variants in _FORMS.items():
    for _words in _variants:
        _PREFIXES.setdefault(_words.split()[0], []).append((tuple(_words.split()), _form))
for _list in _PREFIXES.values():
    _list.sort(key=lambda item: -len(item[0]))
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}(?:[a-z]\b)?")  # k.s.p. / k.s.p / k.u.d.
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_REGENCY_WORDS = ("kabupaten", "kab", "kota")


def plain(text: str | None) -> str:
    """Lower case, accents off, punctuation as spaces, single spaces."""
    if not text:
        return ""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = text.casefold()
    if "." in bare:
        bare = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), bare)
    return " ".join(_NOT_WORD.sub(" ", bare).split())


def split_form(name: str | None) -> tuple[str, str]:
    """(legal form, the rest of the name): ("ksp", "maju jaya") for every spelling above."""
    words = plain(name).split()
    form = ""
    # "Koperasi KSP X": a generic "koperasi" before a specific form adds nothing.
    while words and form in ("", "kop"):
        for prefix, canonical in _PREFIXES.get(words[0], ()):
            if tuple(words[: len(prefix)]) == prefix:
                form = canonical if canonical != "kop" or not form else form
                words = words[len(prefix) :]
                break
        else:
            break
    return form, " ".join(words)


def name_key(name: str | None) -> str:
    """The key two spellings of one name share: "ksp maju jaya"."""
    form, rest = split_form(name)
    return f"{form} {rest}".strip()


def bare_name(name: str | None) -> str:
    """The name without its legal form: "maju jaya" (for candidates, never for a match)."""
    return split_form(name)[1]


def regency_key(name: str | None) -> str:
    return plain(name)


def regency_short_key(name: str | None) -> str:
    """ "Kabupaten Bulungan", "Kab. Bulungan" and "Bulungan" -> "bulungan"."""
    words = plain(name).split()
    if len(words) > 1 and words[0] in _REGENCY_WORDS:
        words = words[1:]
    return " ".join(words)
