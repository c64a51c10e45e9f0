"""Language understanding: text normalisation, encoders, item documents, query intent.

Pure code over strings and arrays; the service layer wires it to the store.
"""
