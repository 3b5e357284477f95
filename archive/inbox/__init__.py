"""The inbox: scanner output sorted into the workspace (dibao inbox).

    pages.py      reading PDF, JPEG, PNG and TIFF files into pages (an image to look at and
                  the page itself, unchanged, to file)
    look.py       per page: the page code (QR, else the text line read by OCR), which way up,
                  blank or not
    filing.py     pages with codes grouped into printed forms and filed as signed scans
    proposals.py  pages without a code: OCR, matched to households and material types,
                  listed in inbox/待确认.xlsx; --apply files the rows the clerk confirmed
    run.py        one run over a folder: nothing is lost (pages in = filed + listed; inputs
                  moved unchanged to inbox/已处理/<日期>/ only after their pages are done)
"""
