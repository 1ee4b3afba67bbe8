"""Each named detector on synthetic lines, jusText style: what it must catch (in several
languages) and the prose it must leave alone."""

from __future__ import annotations

import pytest

from cleaner.models import BlockKind
from cleaner.vocab import detectors as d

PROSE = (
    "The council approved the new budget on Tuesday after a long debate about schools.",
    "Le gouvernement a présenté mardi un projet de loi sur le logement social.",
    "Die Regierung hat am Dienstag einen neuen Gesetzentwurf vorgelegt.",
    "El gobierno presentó el martes un nuevo proyecto de ley sobre vivienda.",
    "She said the decision to share the findings with the public was overdue.",
    "Donations to the hospital rose sharply last year, the annual report shows, while "
    "spending on new equipment fell for the third year in a row across the region.",
)


@pytest.mark.parametrize("line", PROSE)
def test_prose_is_never_boilerplate(line: str) -> None:
    assert d.detect(line) is None


@pytest.mark.parametrize(
    ("detector", "line", "kind"),
    [
        (d.ticker, "Rates rise again | Storm hits the coast hard | Team wins the final cup",
         BlockKind.TICKER),
        (d.share, "facebook-white sharing button", BlockKind.SHARE),
        (d.share, "Copier le lien", BlockKind.SHARE),
        (d.share, "Link kopieren", BlockKind.SHARE),
        (d.share, "Compartir en Twitter", BlockKind.SHARE),
        (d.share, "https://example.com/news/2025/story-123.html", BlockKind.SHARE),
        (d.social, "Follow us:", BlockKind.SOCIAL),
        (d.social, "Suivez-nous", BlockKind.SOCIAL),
        (d.social, "Folgen Sie uns", BlockKind.SOCIAL),
        (d.social, "Síguenos", BlockKind.SOCIAL),
        (d.donation, "Support Our Journalism", BlockKind.DONATION),
        (d.donation, "Faire un don", BlockKind.DONATION),
        (d.donation, "Jetzt unterstützen", BlockKind.DONATION),
        (d.donation, "Haz una donación", BlockKind.DONATION),
        (d.newsletter, "Sign up for our daily newsletter", BlockKind.NEWSLETTER),
        (d.newsletter, "Inscrivez-vous à notre lettre d'information", BlockKind.NEWSLETTER),
        (d.newsletter, "Jetzt abonnieren und informiert bleiben", BlockKind.NEWSLETTER),
        (d.newsletter, "Suscríbete a nuestro boletín", BlockKind.NEWSLETTER),
        (d.cookie, "We use cookies to improve your experience. Accept all", BlockKind.COOKIE),
        (d.cookie, "Tout accepter", BlockKind.COOKIE),
        (d.cookie, "Alle akzeptieren", BlockKind.COOKIE),
        (d.cookie, "Aceptar todo", BlockKind.COOKIE),
        (d.author_bio, "Avatar", BlockKind.BIO),
        (d.author_bio, "Jane Doe is a reporter for the Daily Planet, covering city hall.",
         BlockKind.BIO),
        (d.author_bio, "Marie Dupont est une journaliste spécialisée en politique.",
         BlockKind.BIO),
        (d.author_bio, "Über den Autor", BlockKind.BIO),
        (d.related, "Related articles", BlockKind.RELATED),
        (d.related, "À lire aussi", BlockKind.RELATED),
        (d.related, "Mehr zum Thema", BlockKind.RELATED),
        (d.related, "Noticias relacionadas", BlockKind.RELATED),
        (d.related, "Journal Nghe An en vedette", BlockKind.RELATED),
        (d.navigation, "Home", BlockKind.NAV),
        (d.navigation, "Accueil", BlockKind.NAV),
        (d.navigation, "Startseite", BlockKind.NAV),
        (d.navigation, "Inicio", BlockKind.NAV),
        (d.navigation, "Home > World > Europe", BlockKind.NAV),
        (d.section_label, "International", BlockKind.SECTION),
        (d.section_label, "Politik", BlockKind.SECTION),
        (d.section_label, "Economía", BlockKind.SECTION),
        (d.caption, "Photo Courtesy: Jane Doe", BlockKind.CAPTION),
        (d.caption, "Soldats en première ligne. Photo : X/@someone", BlockKind.CAPTION),
        (d.caption, "Foto: dpa", BlockKind.CAPTION),
        (d.caption, "Leaders meet in Paris. (Pierre Suu/Getty Images)", BlockKind.CAPTION),
        (d.image_file, "gkypr0fwaaaociq-92093.jpg", BlockKind.IMAGE_FILE),
        (d.image_file, "IMG_2041.PNG", BlockKind.IMAGE_FILE),
        (d.comments, "No comments:", BlockKind.COMMENTS),
        (d.comments, "12 Comments", BlockKind.COMMENTS),
        (d.comments, "Laisser un commentaire", BlockKind.COMMENTS),
        (d.comments, "Kommentare", BlockKind.COMMENTS),
        (d.comments, "Jane on May 3, 2019 at 4:47 pm said:", BlockKind.COMMENTS),
        (d.reading_time, "2 min read", BlockKind.READING_TIME),
        (d.reading_time, "5 minutes de lecture", BlockKind.READING_TIME),
        (d.reading_time, "Lesezeit: 3 Min.", BlockKind.READING_TIME),
        (d.reading_time, "Tiempo de lectura: 4 min", BlockKind.READING_TIME),
        (d.footer, "© 2025 Example Media. All rights reserved.", BlockKind.FOOTER),
        (d.footer, "ALIMENTÉ PARUNCMS- UN PRODUIT DENEKO", BlockKind.FOOTER),
        (d.footer, "Alle Rechte vorbehalten", BlockKind.FOOTER),
        (d.footer, "Todos los derechos reservados", BlockKind.FOOTER),
        (d.credit, "(Voice of America/IBNS)", BlockKind.CREDIT),
        (d.credit, "Selon vietnamnet.vn", BlockKind.CREDIT),
        (d.credit, "Quelle: dpa", BlockKind.CREDIT),
        (d.credit, "(AFP)", BlockKind.CREDIT),
        (d.ui_label, "Read more", BlockKind.UI),
        (d.ui_label, "Show More", BlockKind.UI),
        (d.ui_label, "x", BlockKind.UI),
        (d.ui_label, "Lire la suite", BlockKind.UI),
        (d.ui_label, "Weiterlesen", BlockKind.UI),
        (d.ui_label, "Leer más", BlockKind.UI),
        (d.ui_label, "(Updated:  )", BlockKind.UI),
        (d.dateline, "Monday, November 25, 2024", BlockKind.DATELINE),
        (d.dateline, "Publié le 9 mars 2025", BlockKind.DATELINE),
        (d.dateline, "32M ago", BlockKind.DATELINE),
        (d.dateline, "vor 2 Stunden", BlockKind.DATELINE),
        (d.page_clock, "December 25, 2025 08:58 pm (IST)", BlockKind.PAGE_CLOCK),
        (d.byline, "By Jane Doe", BlockKind.BYLINE),
        (d.byline, "Par Jean Dupont", BlockKind.BYLINE),
        (d.byline, "Von Anna Schmidt", BlockKind.BYLINE),
        (d.byline, "Viet Dung March 9, 2025 07:13", BlockKind.BYLINE),
        (d.byline, "| @indiablooms | Mar 06, 2025, at 06:04 pm", BlockKind.BYLINE),
    ],
)
def test_detector_names_its_category(detector: d.Detector, line: str, kind: BlockKind) -> None:
    assert detector(line) is kind
    assert d.detect(line) is kind  # and production's all-at-once path names it the same


@pytest.mark.parametrize(
    ("detector", "line"),
    [
        (d.ticker, "Home | About | Contact | Jobs"),  # a menu, not headlines
        # a page saved as one line, its table rows still split by bars: not a ticker
        (d.ticker, " | ".join(["The council met again on Monday to discuss the budget"] * 40)),
        (d.share, "Share prices fell sharply on Monday as investors took fright."),
        (d.social, "Twitter users reacted angrily to the announcement."),
        (d.donation, "Supporters of the plan gathered outside the town hall on Sunday."),
        (d.related, "Related companies were also fined by the regulator."),
        (d.navigation, "Home prices rose for the fifth month in a row."),
        (d.caption, "The photographer, who asked not to be named, spoke to us."),
        (d.image_file, "Read the report at example.com for details."),
        (d.comments, "Comments from the minister drew criticism."),
        (d.reading_time, "The meeting lasted 45 minutes and ended without a deal."),
        (d.credit, "(The vote was close.)"),
        (d.ui_label, "Closed roads will reopen on Friday."),
        (d.dateline, "On March 9, 2025 the agency published its findings."),
        (d.byline, "by the end of the year the plant will close"),
    ],
)
def test_detector_leaves_near_misses_alone(detector: d.Detector, line: str) -> None:
    assert detector(line) is None


def test_social_does_not_claim_a_lone_x() -> None:
    assert d.social("x") is None
    assert d.detect("x") is BlockKind.UI


def test_title_repeat_needs_the_title() -> None:
    title = "Storm closes the coast road"
    assert d.title_repeat("Storm closes the coast road.", title) is BlockKind.TITLE_REPEAT
    assert d.title_repeat("Storm closes the coast road", None) is None
    assert d.title_repeat("A different headline entirely", title) is None


def test_bio_name_reads_the_author_from_a_bio_sentence() -> None:
    bio = "Martin Fornusek is a reporter for the Kyiv Independent, based in Lviv."
    assert d.bio_name(bio) == "Martin Fornusek"
    assert d.bio_name("The reporter said nothing.") is None


def test_comment_header_tells_a_post_header_from_a_section_label() -> None:
    assert d.comment_header("spikeymike said:")
    assert not d.comment_header("12 Comments")


def test_every_listed_detector_is_a_function_of_text() -> None:
    for detector in d.DETECTORS:
        assert detector("") is None or isinstance(detector(""), BlockKind)


@pytest.mark.parametrize(("line", "kind"), [
    ("相关文章", BlockKind.RELATED),
    ("相关文章：北京新闻 · 上海新闻", BlockKind.RELATED),  # a label heading its items
    ("関連記事", BlockKind.RELATED),
    ("人気記事ランキング", BlockKind.RELATED),
    ("首页", BlockKind.NAV),
    ("评论(3)", BlockKind.COMMENTS),
    ("分享到", BlockKind.SHARE),
    ("관련기사", BlockKind.RELATED),
    ("Читайте также: новости дня", BlockKind.RELATED),
    ("Главная", BlockKind.NAV),
    ("اقرأ أيضا", BlockKind.RELATED),
    ("جميع الحقوق محفوظة", BlockKind.FOOTER),
    ("Leia também", BlockKind.RELATED),
    ("版权所有 2006 天极网", BlockKind.FOOTER),
    ("2022年2月6日", BlockKind.DATELINE),
    ("2022년 2월 6일", BlockKind.DATELINE),
    ("发表时间： 2022年2月6日 - 13:48", BlockKind.PAGE_CLOCK),
    ("Опубликовано 6 февраля 2022", BlockKind.DATELINE),
])
def test_labels_and_datelines_in_other_languages(line: str, kind: BlockKind) -> None:
    assert d.detect(line) is kind


@pytest.mark.parametrize("line", [
    "新闻发布会在北京举行",  # starts with a menu word ("新闻"): a headline, not a menu entry
    "中午下课，曼城茶座拿着咖啡杯一如既往地向着教室走去。",
    "Президент подписал закон в понедельник.",
])
def test_prose_in_other_languages_is_left_alone(line: str) -> None:
    assert d.detect(line) is None


def test_an_author_label_inside_a_line_names_the_author() -> None:
    """Chinese, Japanese, Korean, Russian and Arabic bylines are labels, not "By ..."."""
    assert d.labelled_author("□ 本报记者 葛灵丹") == "葛灵丹"
    assert d.labelled_author("顶端新闻·河南商报记者马俊峰/文受访者供图") == "马俊峰"
    assert d.labelled_author("2015-11-05 阅读：8169 来源:转载 作者:孙仲旻") == "孙仲旻"
    assert d.labelled_author("新京报记者 彭冲 山东冠县报道") == "彭冲"
    assert d.labelled_author("Автор: Иван Петров") == "Иван Петров"
    assert d.labelled_author("记者从省工信厅获悉，今年全省新增绿色工厂") is None  # prose
    assert d.labelled_author("作者：" + "长" * 70) is None  # a line this long is prose
