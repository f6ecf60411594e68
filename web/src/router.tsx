import { createBrowserRouter } from 'react-router';
import { AppLayout } from './components/app-layout.tsx';
import { RequireRole, RequireSession } from './components/require-session.tsx';
import { AUTHOR_ROLES, CONSENT_STAFF_ROLES } from './hooks/use-me.ts';
import { AccountPage } from './pages/account/account-page.tsx';
import { AuditPage } from './pages/admin/audit-page.tsx';
import { ConsentPublishPage } from './pages/admin/consent-publish-page.tsx';
import { OrganisationsPage } from './pages/admin/organisations-page.tsx';
import { OutboxMessagePage } from './pages/admin/outbox-message-page.tsx';
import { OutboxPage } from './pages/admin/outbox-page.tsx';
import { PeoplePage } from './pages/admin/people-page.tsx';
import { ForgotPasswordPage } from './pages/auth/forgot-password-page.tsx';
import { InvitationPage } from './pages/auth/invitation-page.tsx';
import { ResetPasswordPage } from './pages/auth/reset-password-page.tsx';
import { SetupPage } from './pages/auth/setup-page.tsx';
import { SignInPage } from './pages/auth/sign-in-page.tsx';
import { SignUpPage } from './pages/auth/sign-up-page.tsx';
import { VerifyEmailPage } from './pages/auth/verify-email-page.tsx';
import { AuthoringDetailPage } from './pages/authoring/authoring-detail-page.tsx';
import { AuthoringListPage } from './pages/authoring/authoring-list-page.tsx';
import { CaseloadPage, MemberGlucosePage } from './pages/caseload/caseload-page.tsx';
import { ConsentPage } from './pages/consent/consent-page.tsx';
import { ConsentPurposesPage } from './pages/consent/consent-purposes-page.tsx';
import { GlucosePage } from './pages/glucose/glucose-page.tsx';
import { HomePage } from './pages/home/home-page.tsx';
import { JoinPage } from './pages/join/join-page.tsx';
import { LeavePage } from './pages/leave/leave-page.tsx';
import { LeftPage } from './pages/leave/left-page.tsx';
import { MeasurementsImportPage } from './pages/measurements/import-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { PanelPage } from './pages/panel/panel-page.tsx';
import { ProfilePage } from './pages/profile/profile-page.tsx';
import { QuestionnairePage } from './pages/questionnaires/questionnaire-page.tsx';
import { QuestionnairesPage } from './pages/questionnaires/questionnaires-page.tsx';
import { ResponsePage } from './pages/questionnaires/response-page.tsx';
import { ApprovalsPage } from './pages/research/approvals-page.tsx';
import { CriteriaPage } from './pages/research/criteria-builder.tsx';
import { NewStudyPage } from './pages/research/new-study-page.tsx';
import { ResearchStudiesPage } from './pages/research/research-studies-page.tsx';
import { ReviewPage } from './pages/research/review-page.tsx';
import { StudyDataPage } from './pages/research/study-data-page.tsx';
import { StudyEditorPage } from './pages/research/study-editor-page.tsx';
import { RiskPage } from './pages/risk/risk-page.tsx';
import { RouteErrorPage } from './pages/route-error-page.tsx';
import { StudiesPage } from './pages/studies/studies-page.tsx';
import { StudyInvitationPage } from './pages/study-invitation/study-invitation-page.tsx';
import { StudyTaskLinkPage } from './pages/study-task-link/study-task-link-page.tsx';
import { SupportPage } from './pages/support/support-page.tsx';

/**
 * Every page of the web app. Links in e-mails: /verify-email, /reset-password, /invitation, /setup.
 * Public: /consent/purposes (what people can consent to, readable before joining) and /join (joining the
 * Citizen Lab: its steps ask for an account on the way). Reminder e-mails link to /questionnaires/:id.
 * Citizens read and join studies at /studies; invitation e-mails link to /study-invitations/:token (public: answering
 * needs no sign-in), task e-mails to /study-tasks/:token (public too; it leads to "My tasks", /studies#tasks).
 * Citizens bring measurements at /measurements/import (a CGM export, Apple Health, FHIR …) and see /glucose.
 * Coaches: /caseload (their members) and /caseload/:participantId (a member's glucose, as far as shared).
 * Researchers: /research (their studies), /research/new (start one), /research/:studyId (data requests and
 * extracts), /research/:studyId/settings (texts, ethics, team, lifecycle) and /research/:studyId/criteria (criteria
 * with live counts); data stewards decide on data requests at /research/review and approve studies at
 * /research/approvals.
 * Staff: /author/questionnaires (authors), /support and /admin/consent (administrators and data stewards),
 * /panel, and /admin (administrators).
 */
export const router = createBrowserRouter([
  {
    element: <AppLayout />,
    errorElement: <RouteErrorPage />,
    children: [
      { path: '/', element: <HomePage /> },
      { path: '/sign-up', element: <SignUpPage /> },
      { path: '/verify-email', element: <VerifyEmailPage /> },
      { path: '/sign-in', element: <SignInPage /> },
      { path: '/forgot-password', element: <ForgotPasswordPage /> },
      { path: '/reset-password', element: <ResetPasswordPage /> },
      { path: '/setup', element: <SetupPage /> },
      { path: '/invitation', element: <InvitationPage /> },
      { path: '/consent/purposes', element: <ConsentPurposesPage /> },
      { path: '/join', element: <JoinPage /> },
      { path: '/left', element: <LeftPage /> },
      { path: '/study-invitations/:token', element: <StudyInvitationPage /> },
      { path: '/study-tasks/:token', element: <StudyTaskLinkPage /> },
      {
        element: <RequireSession />,
        children: [
          { path: '/account', element: <AccountPage /> },
          { path: '/profile', element: <ProfilePage /> },
          {
            path: '/leave',
            element: <RequireRole roleName="citizen" />,
            children: [{ index: true, element: <LeavePage /> }],
          },
          {
            path: '/studies',
            element: <RequireRole roleName="citizen" />,
            children: [{ index: true, element: <StudiesPage /> }],
          },
          {
            path: '/consent',
            element: <RequireRole roleName="citizen" />,
            children: [{ index: true, element: <ConsentPage /> }],
          },
          {
            path: '/questionnaires',
            element: <RequireRole roleName="citizen" />,
            children: [
              { index: true, element: <QuestionnairesPage /> },
              { path: 'responses/:id', element: <ResponsePage /> },
              { path: ':id', element: <QuestionnairePage /> },
            ],
          },
          {
            path: '/risk',
            element: <RequireRole roleName="citizen" />,
            children: [{ index: true, element: <RiskPage /> }],
          },
          {
            path: '/measurements/import',
            element: <RequireRole roleName="citizen" />,
            children: [{ index: true, element: <MeasurementsImportPage /> }],
          },
          {
            path: '/glucose',
            element: <RequireRole roleName="citizen" />,
            children: [{ index: true, element: <GlucosePage /> }],
          },
          {
            path: '/caseload',
            element: <RequireRole roleName="coach" />,
            children: [
              { index: true, element: <CaseloadPage /> },
              { path: ':participantId', element: <MemberGlucosePage /> },
            ],
          },
          {
            // Data stewards; the router ranks this static path above the researchers' /research/:studyId.
            path: '/research/review',
            element: <RequireRole roleName="data_steward" />,
            children: [{ index: true, element: <ReviewPage /> }],
          },
          {
            path: '/research/approvals',
            element: <RequireRole roleName="data_steward" />,
            children: [{ index: true, element: <ApprovalsPage /> }],
          },
          {
            path: '/research',
            element: <RequireRole roleName="researcher" />,
            children: [
              { index: true, element: <ResearchStudiesPage /> },
              { path: 'new', element: <NewStudyPage /> },
              { path: ':studyId', element: <StudyDataPage /> },
              { path: ':studyId/settings', element: <StudyEditorPage /> },
              { path: ':studyId/criteria', element: <CriteriaPage /> },
            ],
          },
          {
            path: '/support',
            element: <RequireRole roleName={CONSENT_STAFF_ROLES} />,
            children: [{ index: true, element: <SupportPage /> }],
          },
          {
            path: '/author/questionnaires',
            element: <RequireRole roleName={AUTHOR_ROLES} />,
            children: [
              { index: true, element: <AuthoringListPage /> },
              { path: ':id', element: <AuthoringDetailPage /> },
            ],
          },
          {
            // Beside the administrators' pages below: data stewards publish consent texts too.
            path: '/admin/consent',
            element: <RequireRole roleName={CONSENT_STAFF_ROLES} />,
            children: [{ index: true, element: <ConsentPublishPage /> }],
          },
          {
            path: '/panel',
            element: <RequireRole roleName={['programme_manager', 'partner_analyst', 'administrator']} />,
            children: [{ index: true, element: <PanelPage /> }],
          },
          {
            path: '/admin',
            element: <RequireRole roleName="administrator" />,
            children: [
              { path: 'organisations', element: <OrganisationsPage /> },
              { path: 'people', element: <PeoplePage /> },
              { path: 'audit', element: <AuditPage /> },
              { path: 'outbox', element: <OutboxPage /> },
              { path: 'outbox/:id', element: <OutboxMessagePage /> },
            ],
          },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
