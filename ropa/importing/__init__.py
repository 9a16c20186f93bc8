"""`ropa import`: records of processing activities kept in spreadsheets, read into YAML.

`sources` reads workbooks and CSV files as cells, `tables` reads tables by their headers
(or a mapping), `recognise` reads free text as the record's codes, `yamlout` writes the
files with comments, `report` says where every cell went, and `core` puts them together.
"""
