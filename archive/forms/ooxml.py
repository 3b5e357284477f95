"""Keep WordprocessingML in the element order the ECMA-376 (transitional) schema requires.

Word refuses or "repairs" a document whose property elements are out of schema order
(``w:u`` before ``w:sz`` in run properties, ``w:outlineLvl`` before ``w:spacing``) or
repeated where the schema allows one (two ``w:themeFontLang`` in settings).  LibreOffice
and python-docx are lenient, so such files look fine until a clerk opens them in Word.

``normalize(root)`` sorts the children of every property container under ``root`` into
schema order (a stable sort: elements the table does not name, such as w14/w15
extensions, keep their relative order after the known ones), merges repeated
attribute-only elements (two ``w:ind`` become one) and drops other repeats of single
elements.  It is applied by the template generator (tools/docxkit.py) and to every
.docx dibao writes (archive/forms/render.py ``to_bytes``), so county-edited templates
come out valid too.  The orders below are transcribed from the schema's sequences
(CT_PPrBase, CT_RPr, CT_TblPr, CT_TcPr, CT_SectPr, CT_Settings, CT_TblBorders, …).
"""

from __future__ import annotations

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_ORDERS: dict[str, tuple[str, ...]] = {
    "pPr": (
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
        "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
        "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
        "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
        "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
        "sectPr", "pPrChange"),
    "rPr": (
        "ins", "del", "moveFrom", "moveTo", "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps",
        "smallCaps", "strike", "dstrike", "outline", "shadow", "emboss", "imprint", "noProof",
        "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
        "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
        "eastAsianLayout", "specVanish", "oMath", "rPrChange"),
    "tblPr": (
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
        "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar",
        "tblLook", "tblCaption", "tblDescription", "tblPrChange"),
    "tcPr": (
        "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
        "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel",
        "cellMerge", "tcPrChange"),
    "sectPr": (
        "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
        "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
        "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"),
    "tblBorders": ("top", "start", "left", "bottom", "end", "right", "insideH", "insideV"),
    "tcBorders": ("top", "start", "left", "bottom", "end", "right", "insideH", "insideV", "tl2br", "tr2bl"),
    "pBdr": ("top", "left", "bottom", "right", "between", "bar"),
    "tblCellMar": ("top", "start", "left", "bottom", "end", "right"),
    "tcMar": ("top", "start", "left", "bottom", "end", "right"),
    "settings": (
        "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
        "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
        "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
        "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
        "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
        "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate",
        "linkStyles", "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
        "revisionView", "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting", "documentProtection",
        "autoFormatOverride", "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation",
        "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "showEnvelope", "summaryLength",
        "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders", "bookFoldRevPrinting",
        "bookFoldPrinting", "bookFoldPrintingSheets", "drawingGridHorizontalSpacing",
        "drawingGridVerticalSpacing", "displayHorizontalDrawingGridEvery",
        "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin",
        "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin", "doNotShadeFormData",
        "noPunctuationKerning", "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars",
        "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema",
        "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml",
        "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
        "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr",
        "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
        "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade", "captions",
        "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
        "decimalSymbol", "listSeparator"),
}
# elements that may repeat inside their container (everything else is single)
_REPEATABLE = {
    "sectPr": {"headerReference", "footerReference"},
    "settings": {"activeWritingStyle", "attachedSchema", "smartTagType"},
}
# attribute-only single elements whose repeats are merged rather than dropped
_MERGEABLE = {"ind", "spacing", "rFonts", "lang", "pgMar"}

_INDEX = {name: {child: i for i, child in enumerate(order)} for name, order in _ORDERS.items()}
_TAGS = {f"{{{W}}}{name}": name for name in _ORDERS}


# elements of other namespaces that the schema places inside a w: sequence
_FOREIGN = {
    "{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr": "mathPr",
    "{http://schemas.openxmlformats.org/schemaLibrary/2006/main}schemaLibrary": "schemaLibrary",
}


def _local(tag) -> str | None:
    if not isinstance(tag, str):
        return None
    if tag.startswith(f"{{{W}}}"):
        return tag[len(W) + 2:]
    return _FOREIGN.get(tag)


def _fix(container, kind: str) -> bool:
    """Sort one container's children into schema order; True if anything changed."""
    index = _INDEX[kind]
    repeatable = _REPEATABLE.get(kind, set())
    children = list(container)
    if not children:
        return False
    kept, seen, changed = [], {}, False
    for child in children:
        name = _local(child.tag)
        if name in index and name not in repeatable:
            first = seen.get(name)
            if first is not None:
                if name in _MERGEABLE and len(child) == 0:
                    for key, value in child.attrib.items():
                        if first.get(key) is None:
                            first.set(key, value)
                container.remove(child)
                changed = True
                continue
            seen[name] = child
        kept.append(child)
    unknown = len(index)
    ordered = sorted(kept, key=lambda el: index.get(_local(el.tag), unknown) if _local(el.tag) is not None
                     else unknown)
    if ordered != kept:
        changed = True
        for el in kept:
            container.remove(el)
        container.extend(ordered)
    return changed


# on/off properties (ST_OnOff): LibreOffice writes w:val="true"; the transitional schema allows it
# but validators that follow the strict value list (on/off) do not.  An on/off element without
# w:val means "on" in every edition, and "off" is valid in every edition: use those two spellings.
_ON_OFF = tuple(f"{{{W}}}{name}" for name in (
    "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow", "emboss", "imprint",
    "noProof", "snapToGrid", "vanish", "webHidden", "specVanish", "oMath", "rtl", "cs", "keepNext", "keepLines",
    "pageBreakBefore", "widowControl", "suppressLineNumbers", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "contextualSpacing",
    "mirrorIndents", "suppressOverlap", "cantSplit", "tblHeader", "hidden", "noWrap", "tcFitText", "hideMark",
    "titlePg", "formProt", "noEndnote", "rtlGutter", "bidiVisual"))
_VAL = f"{{{W}}}val"
_CHAR_SPACE = f"{{{W}}}charSpace"


def _fix_values(root) -> int:
    fixed = 0
    for el in root.iter(*_ON_OFF):
        v = el.get(_VAL)
        if v in ("true", "on", "1"):
            del el.attrib[_VAL]
            fixed += 1
        elif v in ("false", "0"):
            el.set(_VAL, "off")
            fixed += 1
    for el in root.iter(f"{{{W}}}docGrid"):
        v = el.get(_CHAR_SPACE)
        # LibreOffice writes a negative character pitch as its unsigned 32-bit value (ST_DecimalNumber
        # is a signed int): 4294950911 is -16385
        if v and v.isdigit() and int(v) > 2**31 - 1:
            el.set(_CHAR_SPACE, str(int(v) - 2**32))
            fixed += 1
    return fixed


def normalize(root) -> int:
    """Put every property container under ``root`` (an lxml element, itself included) into schema
    order and on/off values into their portable spelling; returns how many places changed."""
    fixed = _fix_values(root)
    for el in root.iter(*_TAGS):
        if _fix(el, _TAGS[el.tag]):
            fixed += 1
    return fixed


def normalize_document(doc) -> int:
    """Normalise a python-docx Document in place: body, headers and footers, styles, settings,
    numbering; drop the optional Word 2010 ``stylesWithEffects`` part (Word rebuilds it; a stale
    copy that disagrees with styles.xml is reported as unreadable content)."""
    fixed = normalize(doc.element)
    seen = set()
    for sec in doc.sections:
        for part in (sec.header, sec.footer, sec.first_page_header, sec.first_page_footer,
                     sec.even_page_header, sec.even_page_footer):
            if part.is_linked_to_previous:
                continue
            el = part._element
            if id(el) not in seen:
                seen.add(id(el))
                fixed += normalize(el)
    fixed += normalize(doc.settings.element)
    fixed += normalize(doc.styles.element)
    fixed += _drop_no_list_marks(doc)
    numbering = getattr(doc.part, "_numbering_part", None)
    if numbering is not None:
        fixed += normalize(numbering.element)
    drop_styles_with_effects(doc)
    return fixed


def _listed_styles(styles) -> tuple[set[str], str | None]:
    """Paragraph style ids that carry a list (directly or through basedOn), and the default style id."""
    based, listed, default = {}, set(), None
    for st in styles.iter(f"{{{W}}}style"):
        if st.get(f"{{{W}}}type") != "paragraph":
            continue
        sid = st.get(f"{{{W}}}styleId")
        if st.get(f"{{{W}}}default") in ("1", "true", "on"):
            default = sid
        parent = st.find(f"{{{W}}}basedOn")
        based[sid] = parent.get(_VAL) if parent is not None else None
        ppr = st.find(f"{{{W}}}pPr")
        if ppr is not None and ppr.find(f"{{{W}}}numPr") is not None:
            listed.add(sid)
    for sid in list(based):
        seen, cur = set(), sid
        while cur is not None and cur not in seen:
            if cur in listed:
                listed.add(sid)
                break
            seen.add(cur)
            cur = based.get(cur)
    return listed, default


def _drop_no_list_marks(doc) -> int:
    """LibreOffice writes ``<w:numPr><w:numId w:val="0"/></w:numPr>`` ("no list") on every paragraph.
    Where the paragraph's style has no list it removes nothing, and checkers report it as a
    reference to a missing numbering definition: drop it there (under a list style it stays)."""
    listed, default = _listed_styles(doc.styles.element)
    dropped = 0
    for num_pr in list(doc.element.iter(f"{{{W}}}numPr")):
        num_id = num_pr.find(f"{{{W}}}numId")
        if num_id is None or num_id.get(_VAL) != "0":
            continue
        ppr = num_pr.getparent()
        if ppr.tag != f"{{{W}}}pPr":
            continue
        style = ppr.find(f"{{{W}}}pStyle")
        sid = style.get(_VAL) if style is not None else default
        if sid not in listed:
            ppr.remove(num_pr)
            dropped += 1
    return dropped


def normalize_body(doc) -> int:
    """Normalise only what rendering produces (body, headers, footers): the per-output step;
    styles and settings are normalised once per parsed template."""
    fixed = normalize(doc.element)
    for sec in doc.sections:
        for part in (sec.header, sec.footer):
            if not part.is_linked_to_previous:
                fixed += normalize(part._element)
    return fixed


def drop_styles_with_effects(doc) -> bool:
    part = doc.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.rels.pop(rid)
            return True
    return False
