from transformers import AutoModelForSequenceClassification

# Pin revision= to a commit sha: a branch name follows whatever the owner pushes next.
model = AutoModelForSequenceClassification.from_pretrained(
    "distilbert/distilbert-base-uncased",
    num_labels=3,
)
