//! stowage-jobs: the job volume model, the ovhai `--volume` codec, the API
//! JSON and the AI Training API client. Empty until the job volumes issue
//! lands; the workspace lists it now so the layout is settled.
