"""Phrase lexicons of the named boilerplate detectors (`cleaner.vocab.detectors`).

English, French, German and Spanish throughout, Italian, Portuguese and Dutch where
the phrase is common. Whole-line labels are sets of normalised text (`norm`);
phrase patterns are regex source strings, compiled once by the detector rules.
"""

from __future__ import annotations

import re

_EDGE_PUNCT = " \t\u00a0.:;,!?…|•·-–—>»›<«‹()[]{}\"'“”‘’*#+"


def norm(text: str) -> str:
    """Lower-cased, white space folded, edge punctuation gone: the lexicon key."""
    # split/join folds every white space run (no-break spaces included) like re's \s+,
    # and drops edge spaces that the strip would drop anyway: no regex per line.
    return " ".join(text.split()).strip(_EDGE_PUNCT).casefold()


def count_words(text: str) -> int:
    return len(text.split())


def _phrases(*items: str) -> frozenset[str]:
    return frozenset(norm(item) for item in items)


def _any_of(*phrases: str) -> tuple[str, ...]:
    """Alternative phrase patterns. Kept apart, not joined with "|": Python's regex engine
    finds one literal phrase fast, but scans an alternation position by position."""
    return phrases


# ------------------------------------------------------------------ lexicons

SOCIAL_LABELS = _phrases(
    "follow us", "follow", "connect with us", "find us on", "join us", "suivez-nous",
    "suivez nous", "retrouvez-nous", "folgen sie uns", "folge uns", "síguenos", "siguenos",
    "seguici", "siga-nos", "volg ons", "facebook", "twitter", "x", "instagram", "linkedin",
    "youtube", "tiktok", "pinterest", "whatsapp", "telegram", "threads", "bluesky", "reddit",
    "rss", "mastodon", "flipboard",
)
UI_LABELS = _phrases(
    "read more", "show more", "show less", "more", "more...", "load more", "see more",
    "see all", "view all", "view more", "continue reading", "back to top", "top", "print",
    "close", "x", "×", "✕", "menu", "open menu", "close menu", "toggle navigation", "search",
    "submit", "go", "ok", "next", "previous", "prev", "back", "expand", "collapse", "loading",
    "loading...", "play", "pause", "listen", "listen to this article", "advertisement",
    "sponsored", "ad", "updated", "lire la suite", "voir plus", "afficher plus", "fermer",
    "rechercher", "imprimer", "suivant", "précédent", "retour en haut", "publicité",
    "weiterlesen", "mehr", "mehr anzeigen", "schließen", "suche", "drucken", "zurück",
    "weiter", "nach oben", "anzeige", "werbung", "leer más", "ver más", "mostrar más",
    "cerrar", "buscar", "imprimir", "siguiente", "anterior", "volver arriba", "publicidad",
    "leggi di più", "continua a leggere", "leia mais", "lees meer", "sign in", "log in",
    "login", "sign up", "register", "subscribe", "my account", "cart", "skip to content",
    "skip to main content", "aller au contenu", "zum inhalt springen", "ir al contenido",
    "se connecter", "connexion", "s'abonner", "anmelden", "abonnieren", "iniciar sesión",
    "suscribirse", "regístrate",
)
NAV_LABELS = _phrases(
    "home", "homepage", "news", "news feed", "latest", "latest news", "top stories", "more news",
    "trending", "popular", "most read", "most popular", "editor's picks", "breaking news",
    "about", "about us", "contact", "contact us", "careers", "blog", "archives", "archive",
    "categories", "tags", "sitemap", "faq", "help", "shop", "store", "events", "video",
    "videos", "photos", "podcasts", "newsletters", "accueil", "actualités", "actualité",
    "dernier", "derniers", "dernières", "à la une", "les plus lus", "nous contacter",
    "qui sommes-nous", "startseite", "nachrichten", "aktuell", "neueste", "meistgelesen",
    "kontakt", "über uns", "inicio", "noticias", "últimas noticias", "lo más leído",
    "contacto", "quiénes somos", "notizie", "ultime notizie", "notícias", "nieuws",
)
SECTION_LABELS = _phrases(
    "world", "international", "politics", "business", "economy", "finance", "markets",
    "technology", "tech", "science", "health", "sports", "sport", "culture", "entertainment",
    "lifestyle", "travel", "opinion", "opinions", "analysis", "local", "national", "europe",
    "africa", "asia", "americas", "middle east", "environment", "climate", "education",
    "monde", "politique", "économie", "société", "culture", "santé", "sciences", "welt",
    "politik", "wirtschaft", "kultur", "gesellschaft", "wissen", "ausland", "inland",
    "mundo", "política", "economía", "sociedad", "cultura", "deportes", "salud", "mondo",
    "politica", "economia", "esteri", "cronaca",
)
COMMENT_LABELS = _phrases(
    "comments", "comment", "no comments", "leave a comment", "leave a reply", "post a comment",
    "add a comment", "join the conversation", "join the discussion", "show comments",
    "commentaires", "commentaire", "laisser un commentaire", "aucun commentaire",
    "réagir", "kommentare", "kommentar", "kommentieren", "keine kommentare",
    "comentarios", "comentario", "deja un comentario", "sin comentarios", "commenti",
    "lascia un commento", "comentários", "reacties",
)
BIO_LABELS = _phrases(
    "avatar", "author", "about the author", "reporter", "staff writer", "editor",
    "contributor", "columnist", "correspondent", "journalist", "senior editor",
    "contributing writer", "à propos de l'auteur", "l'auteur", "auteur", "journaliste",
    "rédacteur", "über den autor", "autor", "autorin", "redakteur", "sobre el autor",
    "periodista", "redactor", "autore", "giornalista",
)

SHARE_PATTERNS = (
    _any_of(
        r"\bsharing button\b", r"^share\b", r"\bshare (?:on|via|this|to)\b", r"^tweet\b",
        r"^pin it$", r"^copy(?: the)? link\b", r"^link copied", r"^email this\b",
        r"^(?:partager|partagez)\b", r"^copier le lien", r"^lien copié", r"^teilen\b",
        r"^link kopieren", r"^(?:compartir|comparte)\b", r"^copiar (?:el )?enlace",
        r"^condividi\b", r"^partilhar\b", r"^delen\b", r"^(?:https?://|www\.)\S+$",
    )
)
DONATION_PATTERNS = (
    _any_of(
        r"\bsupport (?:our|independent|objective|quality|unbiased) journalism\b",
        r"\bsupport (?:us|our work)\b", r"^donate\b", r"^donations?\W*$",
        r"\bdonate (?:now|today)\b",
        r"\bmake a (?:donation|contribution)\b",
        r"\byour contribution\b", r"\bsmall contribution\b", r"\bbecome a (?:member|patron)\b",
        r"\bsoutenez\b", r"\bfaire un don\b", r"\bfaites un don\b", r"\bnous soutenir\b",
        r"^(?:jetzt )?spenden\b", r"\bunterstützen sie\b", r"\bjetzt unterstützen\b",
        r"\bhaz una donación\b", r"\bapoya (?:nuestro|el) periodismo\b", r"\bdona ahora\b",
        r"\bsostieni\b", r"\bapoie\b",
    )
)
NEWSLETTER_PATTERNS = (
    _any_of(
        r"\bnewsletters?\b", r"\bsign up (?:for|to)\b", r"\bsubscribe (?:to|for|now)\b",
        r"\bdelivered (?:to|straight to) your inbox\b", r"\benter your e-?mail\b",
        r"\byour e-?mail address\b", r"\binscrivez-vous\b", r"\bvotre (?:adresse )?e-?mail\b",
        r"\babonnez-vous\b", r"\bjetzt abonnieren\b", r"\bihre e-?mail-adresse\b",
        r"\bsuscríbete\b", r"\btu (?:correo|email)\b", r"\biscriviti\b",
    )
)
COOKIE_PATTERNS = (
    _any_of(
        r"\bcookies?\b", r"\baccept all\b", r"\bmanage (?:preferences|consent)\b",
        r"\bprivacy preferences\b", r"\btout accepter\b", r"\balle akzeptieren\b",
        r"\baceptar todo\b", r"\baccetta tutti\b", r"\bconsent\b",
    )
)
BIO_SENTENCE = re.compile(
    r"^(?P<name>[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){0,3}) (?:is|was|est|ist|es|è|é) "
    r"(?:an?|the|un|une|ein|eine|la|le|el|una) (?:[\w-]+ ){0,4}(?:reporter|journalist|writer|"
    r"editor|correspondent|columnist|contributor|author|producer|analyst|journaliste|rédact\w+|"
    r"reporterin|journalistin|autor\w*|redakteur\w*|periodista|redactor\w*|giornalista)\b"
)
RELATED_PATTERNS = (
    _any_of(
        r"^related\b", r"^(?:read|see) also\b", r"^you (?:may|might) (?:also )?like\b",
        r"^more (?:from|on|stories|articles|in)\b",
        r"^more\b(?: \S+){0,3} (?:stories|articles|news|posts|videos)$", r"^recommended\b",
        r"^also read\b",
        r"^(?:featured|trending|popular) (?:stories|articles|posts|news)\b",
        r"\ben vedette\W*$", r"^(?:à )?lire aussi\b", r"^voir aussi\b", r"^sur le même sujet\b",
        r"^articles? (?:similaires|liés)\b", r"^das könnte sie auch interessieren",
        r"^mehr zum thema\b", r"^auch interessant\b", r"^lesen sie auch\b",
        r"^te puede interesar\b", r"^(?:noticias|artículos) relacionad[oa]s\b",
        r"^lee también\b", r"^leggi anche\b", r"^potrebbe interessarti\b", r"^leia também\b",
    )
)
CAPTION_PATTERNS = (
    _any_of(
        r"^(?:photo|image|picture|pictured|credit|photograph|illustration)s?(?: courtesy| credit)?"
        r"\s*(?:by|:)", r"^(?:crédit photo|photo ?:|légende)", r"^(?:foto|bild)\s*:",
        r"^(?:imagen|fotografía)\s*:", r"\b(?:photo|foto|image|credit)\s*:\s*\S+$",
        r"\((?:[^()]*/)?(?:getty images|ap photo|afp|reuters|shutterstock|epa|dpa)[^()]*\)$",
    )
)
COMMENT_HEADER_PATTERNS = (
    r"\b(?:says|said|wrote|writes|schrieb|schreibt|a écrit|écrit|escribió|dice|disse)\s*:$",
)
COMMENT_SECTION_PATTERNS = (
    _any_of(
        r"^\d+\s+(?:comments?|responses?|replies|reactions?|commentaires?|réactions?|"
        r"kommentare?|antworten|comentarios?|respuestas|commenti|risposte)\b",
        r"^(?:leave a (?:reply|comment)|post a comment|join the discussion)\b",
    )
)
IMAGE_FILE_NAME = re.compile(r"^[\w.~%+-]+\.(?:jpe?g|png|gif|webp|avif|svg|bmp|tiff?)$", re.I)
READING_TIME_PATTERNS = (
    _any_of(
        r"^(?:reading time:?\s*)?(?:about\s+)?\d+\s*(?:-\s*\d+\s*)?(?:min|mins|minutes?)\.?"
        r"(?: read| de lecture| de lectura| lesezeit| di lettura)?\W*$",
        r"^(?:temps de )?lecture\s*:?\s*\d+\s*min", r"^lesezeit\s*:?\s*\d+\s*min",
        r"^tiempo de lectura\s*:?\s*\d+\s*min", r"^\d+\s*min(?:uten)?\.? lesezeit\W*$",
    )
)
FOOTER_PATTERNS = (
    _any_of(
        r"©", r"\(c\) ?\d{4}", r"\bcopyright\b", r"\ball rights reserved\b",
        r"\bpowered by\b", r"\balimenté\s*par", r"\bpropulsé par\b", r"\bbereitgestellt von\b",
        r"\bbetrieben (?:mit|von)\b", r"\bdesarrollado por\b", r"\btous droits réservés\b",
        r"\balle rechte vorbehalten\b", r"\btodos los derechos reservados\b",
        r"\btutti i diritti riservati\b", r"^privacy policy\b", r"^terms (?:of|&) ",
        r"^impressum$", r"^datenschutz", r"^mentions légales$", r"^aviso legal$",
    )
)
CREDIT_PATTERNS = (
    _any_of(
        r"^\((?:[A-Z][\w .&'-]*)(?:/[A-Z][\w .&'-]*)+\)$", r"^\((?:AFP|AP|Reuters|dpa|EFE|ANSA|"
        r"IANS|PTI|UPI|Xinhua|TASS|IBNS)\)$", r"^(?:source|sources|selon|source ?:|quelle|"
        r"fuente|fonte|bron)\s*:?\s+\S+(?: \S+){0,4}$", r"^(?:with|avec|mit|con) (?:AFP|AP|"
        r"Reuters|dpa|EFE)$",
    )
)

# Bylines and dates: "By Jane Doe", the fillers around a date, ages ("3 hours ago").
BYLINE_PREFIX = re.compile(
    r"^(?i:(?:written |posted |words |reported |text |story )?by|par|von|por|di|door|texte|"
    r"texto|text|auteur|autor|author|reporter|redacción)\s*:?\s+(?=[A-ZÀ-Ý@])"
)
DATE_FILLERS = frozenset(
    """
    published updated posted on at le am um el il the last modified mis à jour publié
    aktualisiert veröffentlicht actualizado publicado date datum fecha | , - – — : ( ) gmt
    utc ist et est edt pst cet cest bst
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
AGE = re.compile(
    r"^(?:(?:updated|posted|published)\s+)?(?:\d+\s*(?:[smhdw]|mins?|minutes?|hrs?|hours?|days?|"
    r"weeks?|months?|years?)\s+ago|(?:il y a|vor|hace)\s+\d+\s*\w+)\W*$",
    re.I,
)
