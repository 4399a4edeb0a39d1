export { MAX_REVIEW_COMMENTS, planReview, type ExistingReviewComment, type NewReviewComment, type ReviewPlan } from '../report-github/review-plan.js'
