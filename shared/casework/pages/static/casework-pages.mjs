// GOV.UK Frontend's components (error summary focus, notification banners, navigation on mobile).
import { initAll } from './govuk-frontend/govuk-frontend.min.js'

initAll()
