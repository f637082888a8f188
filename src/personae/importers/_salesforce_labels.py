"""Salesforce's column labels: API names of the Data Export, then report labels (English,
French, Spanish), and the values it writes (empty lookups, report footers, contact roles).
"""

from __future__ import annotations

EMPTY_IDS = {"000000000000000aaa", "000000000000000"}
"""How the Data Export writes an empty lookup."""
FOOTER = ("grand totals", "total general", "totaux generaux", "confidential information",
          "copyright", "informations confidentielles", "informacion confidencial")  # fmt: skip
#: Contact roles on opportunities -> canonical buying roles.
ROLES = {
    "decision maker": "decision_maker", "executive sponsor": "decision_maker",
    "economic buyer": "economic_buyer", "economic decision maker": "economic_buyer",
    "business user": "user", "technical buyer": "influencer", "evaluator": "influencer",
    "influencer": "influencer", "champion": "champion", "other": None,
}  # fmt: skip

# --- column labels: API names (Data Export), then report labels (English, French, Spanish) --

OPPORTUNITY = {
    "id": ("Id", "Opportunity ID", "ID de l'opportunité", "ID de oportunidad"),
    "account_id": ("AccountId", "Account ID", "ID du compte", "ID de cuenta"),
    "account": ("Account Name", "Nom du compte", "Nombre de la cuenta"),
    "name": ("Name", "Opportunity Name", "Nom de l'opportunité", "Nombre de la oportunidad"),
    "stage": ("StageName", "Stage", "Étape", "Etapa"),
    "amount": ("Amount", "Montant", "Importe"),
    "currency": ("CurrencyIsoCode", "Opportunity Currency", "Amount Currency", "Devise"),
    "created": ("CreatedDate", "Created Date", "Date de création", "Fecha de creación"),
    "closed": ("CloseDate", "Close Date", "Date de clôture", "Fecha de cierre"),
    "is_closed": ("IsClosed", "Closed", "Fermée", "Cerrada"),
    "is_won": ("IsWon", "Won", "Gagnée", "Ganada"),
    "deleted": ("IsDeleted",),
    "source": ("LeadSource", "Lead Source", "Origine de la piste", "Origen del candidato"),
    "lost_reason": ("Loss_Reason__c", "LossReason__c", "Loss Reason", "Raison de la perte",
                    "Motivo de pérdida"),
}  # fmt: skip
ACCOUNT = {
    "id": ("Id", "Account ID"),
    "name": ("Name", "Account Name"),
    "industry": ("Industry",),
    "employees": ("NumberOfEmployees", "Employees"),
    "turnover": ("AnnualRevenue", "Annual Revenue"),
    "country": ("BillingCountryCode", "BillingCountry", "ShippingCountryCode", "ShippingCountry",
                "Billing Country"),
    "source": ("AccountSource", "Account Source"),
    "currency": ("CurrencyIsoCode",),
    "deleted": ("IsDeleted",),
}  # fmt: skip
CONTACT = {
    "id": ("Id", "Contact ID"),
    "account_id": ("AccountId", "Account ID"),
    "title": ("Title",),
    "department": ("Department",),
    "deleted": ("IsDeleted",),
}
HISTORY = {
    "deal": ("OpportunityId",),
    "stage": ("StageName",),
    "from_stage": ("FromOpportunityStageName",),
    "created": ("CreatedDate",),
    "deleted": ("IsDeleted",),
}
