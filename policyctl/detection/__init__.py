"""Detection: rules, matching candidates, filters, context, suppression, previews."""
