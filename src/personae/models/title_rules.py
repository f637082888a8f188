"""The ordered rule tables that read a job title: department first, seniority second.

Every pattern is a regular expression matched, as whole words, against the
*normalised* title (see :func:`personae.models.titles.normalise`): lower case, no
accents, feminine and inclusive forms folded to the masculine (``directrice`` →
``directeur``, ``chargé(e)`` → ``charge``, ``acheteuse`` → ``acheteur``, ``cheffe`` →
``chef``), ``c.e.o.`` → ``ceo``, apostrophes and in-word hyphens as spaces
(``chef d entreprise``, ``co fondateur``), a few abbreviations spelled out (``resp`` →
``responsable``, ``dir`` → ``directeur``, ``mgr`` → ``manager``, ``sr`` → ``senior``,
``jr`` → ``junior``, ``mktg`` → ``marketing``). Separators (``/ & , ; | + ( )``, a
spaced dash, ``et``, ``and``) stay in the text and cut it into segments.

How a table is read (first match wins):

* **Department**: the title's *leading* segment decides (``CEO & Co-fondateur`` →
  direction, ``Directeur Commercial et Marketing`` → sales). Within a segment, the first
  rule in table order wins, which is why role nouns (recruteur, juriste, acheteur,
  comptable, CxO) come before the function words they are often qualified by (``IT
  Recruiter`` is hr, ``Acheteur IT`` purchasing), and weak signals (associé, partner,
  stratégie) come last (``Avocate associée`` is legal).
* **Seniority**: each segment takes the first rule in table order; the title takes the
  highest level among its segments (``Directeur commercial - Associé`` → C-level). Junior
  markers come first (``Assistante du PDG`` is Junior), then C-level, then explicit
  Senior words, then the individual-contributor "manager" titles (Mid), then generic
  managers (Senior). A title with a department and no seniority word is Mid.

The scale (the template's): **C-level** runs the company or sits on its executive team
with a chief title (CxO, PDG/DG/DGA, président, gérant, founder, owner, managing
director, partner/associé); **Senior** heads a function or a team (directeur/director,
VP, head of, responsable, manager, chef de service, lead, and any explicit "senior");
**Mid** is an experienced individual contributor (comptable, account executive,
développeur, and the "manager" titles that manage accounts or projects, not people:
account/product/project/community/office/customer success manager, chef de projet, chef
de produit); **Junior** is entry level (assistant, stagiaire/intern, alternant/apprenti,
junior, SDR/BDR). French function directors (DAF, DSI, DRH) are Senior like the spelled-
out "directeur financier"; only chief titles are C-level.

Deliberately unclassified: acronyms with several common meanings (CPO: product,
procurement or people; CSO, CCO, CDO) get C-level but no department; ``Consultant``,
``Freelance``, ``Ingénieur``, ``Architecte``, ``Manager`` or ``Directeur`` alone get no
department; noise (``-``, ``N/A``, ``Autre``, e-mails, numbers) gets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

DEPARTMENTS = (
    "direction",
    "finance",
    "sales",
    "marketing",
    "it",
    "hr",
    "operations",
    "legal",
    "purchasing",
    "customer",
)
SENIORITIES = ("Junior", "Mid", "Senior", "C-level")


@dataclass(frozen=True)
class Rule:
    """One line of a rule table: a pattern and what it means.

    ``pattern`` is a regular expression on the normalised title, matched as whole words
    (it may not start or end inside a word). A rule gives a department, a seniority, or
    both; ``id`` names it in :attr:`Title.rule` for traceability.
    """

    id: str
    pattern: str
    department: str | None = None
    seniority: str | None = None
    note: str = ""


def _d(id: str, department: str, pattern: str, note: str = "") -> Rule:
    return Rule(id=id, pattern=pattern, department=department, note=note)


def _s(id: str, seniority: str, pattern: str, note: str = "") -> Rule:
    return Rule(id=id, pattern=pattern, seniority=seniority, note=note)


# --- department -------------------------------------------------------------------------

DEPARTMENT_RULES: tuple[Rule, ...] = (
    # 1. Assistants to the executives work in the office, whoever they assist.
    _d(
        "operations.assistants",
        "operations",
        r"(executive |personal )?assistant (de direction|de la direction|du (pdg|dg|ceo|president"
        r"|directeur( general)?)|to the (ceo|president|md|managing director))"
        r"|executive assistant|personal assistant",
        "Assistante du PDG is operations (and Junior), not direction",
    ),
    # 2. Chief titles and their acronyms: the function is in the title.
    _d("cxo.ceo", "direction", r"ceo|chief executive( officer)?"),
    _d("cxo.cfo", "finance", r"cfo|chief financ\w* officer"),
    _d("cxo.coo", "operations", r"coo|chief operati\w* officer"),
    _d(
        "cxo.cto",
        "it",
        r"cto|cio|ciso|chief (technology|technical|information( security)?|product) officer",
    ),
    _d("cxo.cmo", "marketing", r"cmo|chief (marketing|growth|brand|communications?) officer"),
    _d("cxo.cro", "sales", r"cro|chief (revenue|sales|commercial) officer"),
    _d("cxo.chro", "hr", r"chro|chief (people|human resources?|hr|talent) officer"),
    _d("cxo.clo", "legal", r"clo|chief (legal|compliance) officer"),
    _d("cxo.procurement", "purchasing", r"chief (procurement|purchasing) officer"),
    _d(
        "cxo.customer",
        "customer",
        r"chief (customer|client|experience)( success| experience)? officer",
    ),
    # 3. Those who run the company.
    _d(
        "direction.pdg",
        "direction",
        r"pdg|president directeur general|dg|dga|dgd|directeur general( adjoint| delegue)?",
        "PDG, DG, DGA (adjoint), DGD (délégué)",
    ),
    _d("direction.president", "direction", r"(?<!vice )president|chairman|chairwoman"),
    _d("direction.gerant", "direction", r"(co ?)?gerant|dirigeant|chef d entreprise"),
    _d("direction.founder", "direction", r"(co ?)?(fondateur|founder)"),
    _d("direction.owner", "direction", r"(?<!product )(?<!business )owner|proprietaire"),
    _d(
        "direction.managing",
        "direction",
        r"managing director|general manager|country manager|managing partner|chief of staff"
        r"|administrateur delegue",
    ),
    # 4. Role nouns that decide the department whatever qualifies them.
    _d(
        "hr.roles",
        "hr",
        r"recrut\w*|recruit\w*|talent\w*|drh|rrh|hrbp|rh|hr|ressources humaines"
        r"|human resources?|people|relations sociales",
        "IT Recruiter is hr: the role noun beats the qualifier",
    ),
    _d(
        "legal.roles",
        "legal",
        r"juriste|avocate?|lawyer|attorney|counsel|paralegal|legal|juridique|droit|notaire"
        r"|compliance|conformite|dpo|data protection( officer)?|protection des donnees|contentieux",
    ),
    _d(
        "marketing.media",
        "marketing",
        r"(media|space|radio|tv|print|advertising)( and advertising)? (buyer|planner)"
        r"|acheteur (d )?(espaces?|media)\w*",
        "a media buyer buys advertising space: marketing, not purchasing",
    ),
    _d(
        "it.ict",
        "it",
        r"technologies? de l information( et de la communication)?|tic|ict|information technology"
        r"|(it|ict|si|informatique|tic) audit\w*|audit\w* (informatique|des tic|it|si|en systemes? d information)",
        "ICT (TIC) titles and IT auditors, before the finance and marketing words they contain",
    ),
    _d(
        "customer.roles",
        "customer",
        r"technical account manager|customer success (manager|lead|director)",
        "account managers after the sale, before the sales words",
    ),
    _d(
        "purchasing.roles",
        "purchasing",
        r"acheteur|buyer|achats?|procurement|purchas\w*|sourcing",
    ),
    _d(
        "finance.roles",
        "finance",
        r"daf|raf|administrati(f|ve) ?(,|et|&) ?financier|comptab\w*|compta|accountants?"
        r"|accounting|accounts (payable|receivable)|controleur de gestion|controle de gestion"
        r"|(financial|group|management|finance|business) controller|controlling"
        r"|tresorier|tresorerie|treasurer|treasury|credit manager|recouvrement|collections?"
        r"|auditeur|auditor|audit|commissaire aux comptes|budget\w*|fusions? (et|&) acquisitions?|mergers? (and|&) acquisitions?|m ?& ?a|fp ?& ?a|fpa|financ\w*|facturation|billing",
    ),
    _d(
        "hr.function",
        "hr",
        r"paie|payroll|formation|training|carrieres?|emploi|(du|des) personnel|competences"
        r"|qualite de vie au travail|qvt",
        "after finance: Comptable paie is finance, Gestionnaire de paie hr",
    ),
    _d(
        "operations.roles",
        "operations",
        r"assistant (de direction|administratif|administrative|executif|de gestion)"
        r"|(employe|agent|coordinateur) administrati(f|ve)"
        r"|executive assistant|office manager|secretaire(?! general)|(services|moyens) generaux"
        r"|facility|facilities|logisti\w*|supply chain|entrepot|(?<!data )warehouse|stocks?|usine"
        r"|plant manager|(directeur|responsable) de site|site manager",
    ),
    # 5. Functions, in the order that settles a title naming two in one segment.
    _d(
        "marketing.function",
        "marketing",
        r"marketing|marketeur|marketer|webmarketeur|webmarketing|growth|communication|comm"
        r"|brand|marque|community manager|content|contenus?|redacteur|copywriter|seo|sea|sem"
        r"|acquisition|evenementiel|events?|relations (presse|publiques)|press|public relations"
        r"|chef de produit|product marketing|traffic manager|publicite|advertising"
        r"|lead gen\w*|demand gen\w*|promotion des ventes|influence\w*",
        "chef de produit is marketing (ROME M1703); Product Manager is it",
    ),
    _d(
        "sales.function",
        "sales",
        r"sdr|bdr|ae|kam|vrp|rev ?ops|revenue( operations)?|sales|ventes?|vendeur|commercial\w*"
        r"|technico commercial|adv|administration des ventes|avant vente|pre ?sales"
        r"|business develop\w*|biz ?dev\w*|account (executive|manager|director|lead)|key account\w*"
        r"|grands? comptes?|(ingenieur|charge) d affaires|export|televendeur|attache commercial|representant"
        r"|chef de secteur|responsable de secteur|negociateur",
    ),
    _d(
        "customer.function",
        "customer",
        r"customer\w*|csm|customer success|success manager|service clients?|relations? clients?"
        r"|clientele|support clients?|onboarding|sav|service apres vente|teleconseiller"
        r"|conseiller client|client success|experience client|teleoperateur",
    ),
    _d(
        "it.function",
        "it",
        r"developpeur|developer|dev|devops|sre|software|logiciels?|progiciels?|informatique|informaticien"
        r"|it|si|sirh|dsi|(?<!commande )numerique|telecoms?|telecommunications?|serveurs?|bases? de donnees|donnees"
        r"|database|business intelligence|decisionnel|machine learning|intelligence artificielle|ia|ai"
        r"|programm(eur|ation)|analyste (d )?applications?|agile|webmaster"
        r"|systemes? d information|information systems?|information technology|data|rssi"
        r"|data\w*|cyber\w*|securite (informatique|des systemes)|(ingenieur|administrateur|technicien)"
        r" (systemes?|reseaux?)|systemes? et reseaux?|reseaux? informatiques?|network\w*"
        r"|cloud|architecte (si|logiciel|cloud|technique|solutions?|data|systemes?|reseaux?)"
        r"|(software|cloud|solutions?|data|enterprise|it) architect|scrum|qa|tech"
        r"|product (owner|manager|management|director|lead|ops|designer|analyst|team|builder)"
        r"|(head|vp|svp|director) (of )?product"
        r"|(?<!production )(?<!quality )(?<!process )(?<!industrial )(?<!civil )(?<!mechanical )engineering"
        r"|web|erp|crm|sap|salesforce|hubspot|helpdesk|help desk|integrateur|programmeur|testeur",
    ),
    _d(
        "operations.function",
        "operations",
        r"operations?|operationnel|ops|production|qualite|quality|qhse|hse|exploitation"
        r"|methodes|maintenance|achemin\w*|transport|flottes?|fleet",
    ),
    # 6. Weak signals, used only when nothing above names a function.
    _d(
        "direction.weak",
        "direction",
        r"associe|(?<!business )(?<!channel )partner(?! manager| marketing| sales| account| success)"
        r"|strategie|strategy|filial\w*|direction generale",
        "Associé / partner: a partner of the firm; Avocate associée stays legal",
    ),
)


# --- seniority --------------------------------------------------------------------------

SENIORITY_RULES: tuple[Rule, ...] = (
    # 1. Entry level first: an assistant to the CEO is Junior.
    _s(
        "junior.markers",
        "Junior",
        r"stagiaires?|stage|intern|internship|alternant|alternance|apprenti\w*|junior|trainee?"
        r"|graduate|debutant|assistant(?! manager)|aide|paralegal|sdr|bdr"
        r"|(sales|business) development representative|secretaire(?! general)",
    ),
    # 2. Running the company.
    _s(
        "c-level.cxo",
        "C-level",
        r"ceo|cfo|coo|cto|cmo|cro|cio|cpo|cso|cco|cdo|chro|ciso|clo|cxo|chief (\w+ ){1,3}officer|chief executive",
    ),
    _s(
        "c-level.direction",
        "C-level",
        r"pdg|president directeur general|dg|dga|dgd|directeur general|(?<!vice )president"
        r"|chairman|chairwoman|(co ?)?gerant|dirigeant|chef d entreprise|(co ?)?(fondateur|founder)"
        r"|(?<!product )(?<!business )owner|proprietaire|managing director|general manager"
        r"|administrateur delegue",
    ),
    _s(
        "c-level.partner",
        "C-level",
        r"associe|(managing|senior|equity|founding) partner"
        r"|(?<!business )(?<!channel )partner(?! manager| marketing| sales| account| success)",
        "partner / associé of the firm (not business partner, partner manager)",
    ),
    # 3. Explicitly senior.
    _s(
        "senior.director",
        "Senior",
        r"senior|principal(?= \w)|directeur|director|vp|svp|evp|avp|vice president|head|chief of staff"
        r"|general counsel"
        r"|daf|raf|dsi|drh|rrh|rssi",
        "VP / SVP / EVP and the French function directors (DAF, DSI, DRH) are Senior",
    ),
    # 4. Individual contributors whose title says manager or chef.
    _s(
        "mid.ic-managers",
        "Mid",
        r"(key )?account manager|(project|product|program|programme|community|content|traffic"
        r"|office|success|partner|channel|category|brand|credit|business development)"
        r"( marketing)? manager|partnerships? manager|chef de (projet|produit|secteur)|responsable (de |des )?grands? comptes?"
        r"|responsable de secteur|responsable de comptes?",
        "these managers manage accounts, products or projects, not people",
    ),
    # 5. People and function managers.
    _s(
        "senior.managers",
        "Senior",
        r"manager|responsable|chef (de service|d equipe|des ventes|comptable|de departement"
        r"|d atelier|de bureau|de groupe|de division|de pole|d agence)"
        r"|(?<=\w )lead(er)?|lead(?= \w)(?! gen)",
        "a lone 'Lead' is a CRM stage, not a title",
    ),
)
