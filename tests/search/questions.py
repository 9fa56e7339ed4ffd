"""Questions a reader asks of the Siena report, each with the statements that must be in the top three.

The answer key was made by reading the report (fixtures/transcription.json, and the PDF as
`pdftotext fixtures/icpermed-workshop-2023-siena.pdf` prints it), never from a search engine's
output: for each question, the statements whose own text answers it. A key of up to three
statements must be in the top three; a key of more (four statements say "digital twin") must
hold all of the top three. A statement is named by a piece of its text that no other statement
contains; test_ranking.py checks that each piece names exactly one statement and, where poppler
is installed, that it is printed in the PDF (pdftotext's text, whitespace collapsed). Where the
question's words also stand in a talk's title, a speaker's name, a group label or a
recommendation's lead-in, that context matches every statement under it, and the key asks for
the statements that say them themselves.
"""

QUESTIONS: dict[str, tuple[str, ...]] = {
    # The talk "A Precision Medicine approach to Type 1 diabetes mellitus" gives every one of its
    # statements the words; one says "Type 1 diabetes (T1D)" itself.
    "type 1 diabetes": ("focused specifically on PM care for Type 1 diabetes (T1D)",),
    "IVDR": ("There is the need for conformity of medical devices to the IVDR.",),
    "drug resistance": ("Drug resistance can be detected using DNA sequencing.",),
    # The talk "A Digital Twin for a proper use of medications" holds four statements that say it.
    "digital twins": (
        "Digital Twin: Prediction of the PM from individuals",
        "The Digital Twin technology can reproduce the systematic bias",
        "Digital twins’ technology can help to avoid inappropriate medication",
        "Digital Twins should be used not only to design new drugs",
    ),
    "Dayan digital twins": (
        "Digital Twin: Prediction of the PM from individuals",
        "The Digital Twin technology can reproduce the systematic bias",
        "Digital twins’ technology can help to avoid inappropriate medication",
        "Digital Twins should be used not only to design new drugs",
    ),
    "GDPR": ("The General Data Protection Regulation (GDPR) provides high flexibility",),
    "CAR-T therapy": ("More than 10.000 patients have been treated so far with the CAR-T therapy.",),
    # Every statement of the talk "Using genomics to map amyloid nucleation in Alzheimer’s disease"
    # carries the words in its title; two statements say them.
    "Alzheimer's disease": (
        "accurately capture all familial Alzheimer’s disease (AD) mutations",
        "the natural history of Alzheimer’s Disease",
    ),
    "amyloid": (
        "Development of a DMS strategy that reports on Amyloid formation.",
        "Mutations out of the structured amyloid core are of concern",
    ),
    "inflammatory bowel disease": ("Inflammatory Bowel Disease (IBD) is a chronic, progressive condition",),
    "epidermolysis bullosa": (
        "CEDIGEA, the Centre for Research in Genodermatoses and Epidermolysis Bullosa, at the University of Buenos Aires",
        "urgent need for molecular diagnosis in Epidermolysis Bullosa (EB) patients",
        "facilitating wound healing for a type of epidermolysis bullosa",
    ),
    # The talk "Pharmacogenomics and Personalised Medicine: Implication for Clinical Practice".
    "pharmacogenomics": ("Pharmacogenomics (PGx) has shown the importance of genetic tests",),
    "adverse drug reactions": (
        "Genotype-guided treatment reduces the incidence of adverse drug reactions.",
        "recent data indicate a substantial decrease of adverse drug reactions",
    ),
    "heart failure": (
        "Case heart failure programme with a retrospective heart failure data mark",
        "The digital solution is currently focused on heart failure.",
    ),
    "consent form": ("each patient must fill a consent form",),
    "technology transfer offices": (
        "Use existing regulatory knowledge to expand and strengthen capacity, e.g., collaboration with established technology transfer offices (TTOs)",
    ),
    "tech transfer offices": ("to build up regulatory expertise in tech transfer offices",),
    "off-label drugs": (
        "Great opportunity comes from the off-label use of existing efficient drug.",
        "development of regulation to deal with off-label drugs",
    ),
    # The talk "A large instrument for population neuroimaging": four statements say it.
    "neuroimaging": (
        "A challenge in the neuroimaging field is that the analysis of the same brain",
        "to make multicentre neuroimaging affordable",
        "CATI is a French initiative launched in 2010 to handle the neuroimaging of MEMENTO.",
        "so that neuroimaging, as deep phenotyping approach, can support doctors",
    ),
    "machine learning": ("Machine learning approaches are used to integrate scans from different clinical sites.",),
    "molecular tumour boards": (
        "To avoid discordant treatment recommendations by Molecular Tumour Boards",
        "Molecular tumour board decisions are often highly discordant",
    ),
    "sequencing costs": ("Sequencing costs per genome are decreasing",),
    "breast cancer screening": (
        "A future perspective could be risk-stratified breast cancer screening",
        "Hereditary Breast and Ovarian Cancer” focussing on personalised risk assessment/risk-stratified screenings",
    ),
    "HIV": (
        "There is inequity in receiving treatments for HIV+",
        "problems solved for HIV are applicable to a wide-variety of applications",
    ),
    "electronic health record": ("clinicians daily integrate in the electronic health record",),
    "biomarker validation": ("Next step is the biomarker validation to be routinely incorporated",),
    "randomised controlled trial": (
        "no biomarkers in IBD have been formally assessed in a Randomised Controlled Trial",
    ),
    "proteomic risk score": ("No correlation between polygenic risk scores and proteomic risk scores",),
    "regulatory knowledge exchange": (
        "There is the need to provide regulatory knowledge exchange specific to health and medicine.",
    ),
    "responsible research and innovation": (
        "Responsible Research and Innovation (RRI) is an interactive process",
        "Responsible research and innovation is seen as a transparent, interactive process",
    ),
    # The talk "Bringing scientific innovation from academia to business": three statements say it.
    "academia to business": (
        "It is essential to bring scientific innovation from academia to business.",
        "Example for the transition from academia to business",
        "For moving from academia to business",
    ),
    "Gemelli Generator": (
        "Gemelli Generator: Generator Real World Data’s (RWD) mission",
        "developed by the Gemelli Generator Real World Data facility are exported",
    ),
    "health economic models": ("there is a high need to identify new health economic models",),
    # Six recommendations have "…AI or wearables are involved" in their printed lead-in.
    "wearables": ("Wearable sensors applied to the human body for neurodegenerative diseases",),
    "companion diagnostics": (
        "Development of PM approaches might comprise the application of a set of different therapeutics, companion diagnostics",
    ),
    "point-of-care manufacturing": ("The different technologies allow a decentralised manufacturing at point-of-care",),
    "real-world data": (
        "Gemelli Generator: Generator Real World Data’s (RWD) mission",
        "developed by the Gemelli Generator Real World Data facility are exported",
        "It is essential to share results and the evidence from real-world data",
        "This can be solved through the use and integration of additional",
    ),
    "microRNA": (
        "2) of circulating microRNA/small RNAs",
        "a single microRNA can target several genes",
    ),
    "FHIR interoperability": ("The Fast-Healthcare-Interoperability-Resources (FHIR) system connects",),
    "data sharing": ("Was a patients’ platform developed to share data on national and international level?",),
}
