"""Workflow sync (SPEC §5): the rules that check supplier, warehouse and ERP documents
against each other, the authority of each system over its data, and the exceptions a
disagreement becomes. Pure: no I/O; the services feed these from the store."""
