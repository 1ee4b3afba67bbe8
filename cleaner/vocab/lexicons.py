"""Phrase lexicons of the named boilerplate detectors (`cleaner.vocab.detectors`), and
stop words per language (`STOPWORDS`, read by the line and block features).

English, French, German and Spanish throughout, Italian, Portuguese and Dutch where
the phrase is common; the whole-line labels and the commonest phrases also in Chinese,
Japanese, Korean, Russian, Arabic and Portuguese (see "Other scripts" at the end).
Whole-line labels are sets of normalised text (`norm`); phrase patterns are regex
source strings, compiled once by the detector rules.
"""

from __future__ import annotations

import re

_EDGE_PUNCT = " \t\u00a0.:;,!?…|•·-–—>»›<«‹()[]{}\"'“”‘’*#+"


def norm(text: str) -> str:
    """Lower-cased, white space folded, edge punctuation gone: the lexicon key."""
    # split/join folds every white space run (no-break spaces included) like re's \s+,
    # and drops edge spaces that the strip would drop anyway: no regex per line.
    return " ".join(text.split()).strip(_EDGE_PUNCT).casefold()


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
# Where a byline is a label inside a line, not "By ..." at its start (Chinese, Japanese,
# Korean, Russian, Arabic): "作者：X", "本报记者 X", "X/文", "著者 X", "Автор: X", "بقلم X".
# The labels are the ones these languages' news and blogs use; an editor's label counts,
# as the annotated Chinese pages count it.
AUTHOR_LABEL = re.compile(
    r"(?:作者|记者|記者|撰文|撰稿|责任编辑|責任編輯|编辑|編輯|责编|著者|筆者|글쓴이|작성자|"
    r"(?i:автор(?:\s+текста)?)|بقلم|كتب)\s*[：:／/]?\s*"
    r"(?P<name>[\u4e00-\u9fff\u3400-\u4dbf·]{2,4}?(?=[\s/／（()）|,，。、]|$|报道|摄|文)"
    r"|[\uac00-\ud7a3]{2,4}(?=[\s/,]|$)"
    r"|[A-Za-zА-Яа-яЁё\u0600-\u06ff@][\w.@-]*(?: [A-ZА-Я\u0600-\u06ff][\w.-]*){0,2})"
)
MAX_LABELLED_BYLINE_CHARS = 60  # longer lines are prose that mentions a reporter
DATE_FILLERS = frozenset(
    """
    published updated posted on at le am um el il the last modified mis à jour publié
    aktualisiert veröffentlicht actualizado publicado date datum fecha | , - – — : ( ) gmt
    utc ist et est edt pst cet cest bst
    发表时间 发布时间 更新时间 日期 时间 来源 投稿日 公開日 更新日 日付 작성일 입력 수정 등록
    опубликовано обновлено дата نشر تاريخ آخر تحديث ،
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
AGE = re.compile(
    r"^(?:(?:updated|posted|published)\s+)?(?:\d+\s*(?:[smhdw]|mins?|minutes?|hrs?|hours?|days?|"
    r"weeks?|months?|years?)\s+ago|(?:il y a|vor|hace)\s+\d+\s*\w+)\W*$",
    re.I,
)


# ------------------------------------------------------------------ stop words

# The commonest function words of each language: short curated lists (jusText's idea:
# prose is dense in them, menus and labels are not). Chinese and Japanese are counted
# one character per token (`cleaner.vocab.script`), so their lists are characters:
# particles, pronouns and the commonest grammatical characters.
STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in {
        "en": """the a an and or but of to in on at for with from by as is are was were be been
            has have had it its this that these those he she they we you i his her their our
            not no will would can could said says which who what when where than then there
            also into about after over""",
        "zh": "的 了 是 在 和 有 我 这 他 也 就 不 人 都 一 上 中 为 们 到 说 要 会 对 以 与 及 等 "
              "从 被 而 把 但 它 她 你 那 个 之 其 并 或 很 已 将 由 于 所 着 过 还 又",
        "ja": "の に は を た が で て と し れ さ も な か だ へ や る い う ら ま す り こ そ "
              "よ つ く ず",
        "es": """el la los las un una y o pero es son fue ha han él ella ellos que en con por
            para del al se su sus no más como lo le de este esta""",
        "de": """der die das ein eine und oder aber ist sind war hat haben er sie es wir ihr ich
            nicht mit von zu im in auf für den dem des sich auch als bei nach wie noch um aus
            dass""",
        "fr": """le la les un une des du de et ou mais est sont était a ont il elle ils elles nous
            vous je ce cette ces qui que dans sur pour par avec pas plus au aux se sa son ses
            leur été""",
        "ru": """и в во не что он на я с со как а то все она так его но да ты к у же вы за бы
            по только ее мне было вот от меня еще нет о из ему теперь когда даже ну ли если
            уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего
            ей может они тут где есть надо ней для мы тебя их чем была сам чтобы без будто
            это этот эта также при""",
        "pt": """o a os as um uma e é são foi em com para por não mais do da dos das no na nos
            nas que se ao à pelo pela seu sua como mas ou""",
        "ar": """في من على إلى عن أن إن ما لا هذا هذه التي الذي الذين كان كانت قد ثم أو و مع
            هو هي بين كل بعد عند لم لن حتى إذا ذلك تلك أي فى الى""",
        "ko": """이 그 저 것 수 등 및 또는 그리고 그러나 하지만 있다 있는 있고 없는 하는 한 했다
            한다 위해 대한 통해 같은 더 또 이번 지난 것으로 것이 있습니다 합니다 했습니다
            이후 때문에 가장 모든 다른""",
        "it": """il lo la i gli le un una e o ma è sono di che per non da si del della in con""",
    }.items()
}
ALL_STOPWORDS: frozenset[str] = frozenset().union(*STOPWORDS.values())

# ------------------------------------------------------------------ other scripts

# Whole-line labels in Chinese, Japanese, Korean, Russian, Arabic and Portuguese. Chinese
# and Japanese labels also name a line they start ("相关文章：..."): see
# `cleaner.vocab.detectors`.
SOCIAL_LABELS |= _phrases(
    "关注我们", "微信", "微博", "フォローする", "フォロー", "팔로우", "подписывайтесь",
    "мы в соцсетях", "تابعنا", "siga-nos", "nos siga",
)
UI_LABELS |= _phrases(
    "更多", "查看更多", "阅读全文", "展开全文", "返回顶部", "返回首页", "上一篇", "下一篇",
    "上一页", "下一页", "打印", "关闭", "收藏", "点赞", "举报", "广告", "登录", "注册", "搜索",
    "帮助", "もっと見る", "続きを読む", "ページトップへ", "トップへ戻る", "前へ", "次へ",
    "ログイン", "新規登録", "検索", "閉じる", "広告", "印刷", "더보기", "더 보기", "닫기",
    "로그인", "회원가입", "검색", "이전", "다음", "맨 위로", "광고", "인쇄", "ещё", "еще",
    "подробнее", "читать далее", "показать ещё", "войти", "регистрация", "поиск", "закрыть",
    "реклама", "наверх", "назад", "далее", "المزيد", "اقرأ المزيد", "تسجيل الدخول", "بحث",
    "إغلاق", "إعلان", "التالي", "السابق", "leia mais", "ver mais", "entrar", "cadastre-se",
    "pesquisar", "fechar", "publicidade", "voltar ao topo", "próximo", "anterior",
)
NAV_LABELS |= _phrases(
    "首页", "网站首页", "主页", "新闻", "新闻中心", "关于我们", "联系我们", "网站地图", "设为首页",
    "加入收藏", "ホーム", "トップ", "トップページ", "ニュース", "お問い合わせ", "会社概要",
    "サイトマップ", "홈", "뉴스", "회사소개", "고객센터", "사이트맵", "главная", "новости",
    "о нас", "контакты", "о компании", "карта сайта", "الرئيسية", "أخبار", "الأخبار", "من نحن",
    "اتصل بنا", "خريطة الموقع", "início", "página inicial", "notícias", "sobre nós",
    "fale conosco", "contato", "mapa do site", "últimas notícias",
)
COMMENT_LABELS |= _phrases(
    "评论", "网友评论", "发表评论", "我要评论", "热门评论", "最新评论", "コメント", "コメントする",
    "コメントを書く", "댓글", "댓글쓰기", "комментарии", "комментарий", "оставить комментарий",
    "التعليقات", "تعليقات", "أضف تعليق", "comentários", "deixe um comentário",
)
RELATED_LABELS = _phrases(
    "相关文章", "相关阅读", "相关新闻", "相关推荐", "热门文章", "热门推荐", "推荐阅读", "猜你喜欢",
    "延伸阅读", "热点新闻", "阅读排行", "阅读排行榜", "精彩推荐", "关連記事", "関連記事",
    "人気記事", "おすすめ記事", "新着記事", "最新記事", "ランキング", "アクセスランキング",
    "あわせて読みたい", "関連ニュース", "관련기사", "관련 기사", "인기기사", "많이 본 뉴스",
    "추천 기사", "читайте также", "похожие статьи", "популярное", "по теме", "другие новости",
    "اقرأ أيضا", "اقرأ أيضاً", "أخبار ذات صلة", "الأكثر قراءة", "مواضيع ذات صلة", "leia também",
    "veja também", "notícias relacionadas", "relacionados", "mais lidas",
)
SHARE_LABELS = _phrases(
    "分享", "分享到", "转发", "シェア", "シェアする", "ツイート", "はてなブックマーク", "공유",
    "공유하기", "поделиться", "شارك", "مشاركة", "compartilhe", "compartilhar",
)
FOOTER_LABELS = _phrases(
    "版权所有", "免责声明", "隐私政策", "使用条款", "プライバシーポリシー", "利用規約",
    "著作権", "개인정보처리방침", "이용약관", "все права защищены", "политика конфиденциальности",
    "جميع الحقوق محفوظة", "سياسة الخصوصية", "todos os direitos reservados",
    "política de privacidade",
)
RELATED_PATTERNS += _any_of(
    r"^читайте (?:также|еще|ещё)\b", r"^смотрите также\b", r"^اقرأ (?:أيضا|أيضاً)",
    r"^(?:leia|veja) também\b", r"^notícias relacionadas\b",
)
SHARE_PATTERNS += _any_of(r"^поделиться\b", r"^compartilh(?:e|ar)\b")
FOOTER_PATTERNS += _any_of(
    r"\bвсе права защищены\b", r"جميع الحقوق محفوظة", r"\btodos os direitos reservados\b",
    r"版权所有", r"著作権", r"무단 ?전재",
)
NEWSLETTER_PATTERNS += _any_of(r"\bподпишитесь\b", r"\bassine (?:a|nossa) newsletter\b")
COOKIE_PATTERNS += _any_of(r"\bфайлы cookie\b")
