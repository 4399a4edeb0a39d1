export { planComment, type CommentPlan, type CommentPolicy } from '../report-github/comment-plan.js'
