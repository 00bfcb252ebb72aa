//! Office document analysis for mozu: OLE/CFB VBA projects, Excel 4.0 macro sheets, OOXML relationships and DDE, RTF embedded objects.
#![warn(missing_docs)]
