import { describe } from 'node:test'
import { domainVerificationStoreContract } from '../../zones/domain-verification-store.contract.ts'
import { findTestStoreBackends } from '../http/test-store-backends.ts'
import { KyselyDomainVerificationStore } from './kysely-domain-verification-store.ts'
import { databaseOf } from './open-store.ts'

for (const backend of await findTestStoreBackends()) {
  describe(`KyselyDomainVerificationStore (${backend.name})`, { skip: backend.skipReason ?? false }, () => {
    domainVerificationStoreContract(async () => {
      if (backend.failReason !== undefined) throw new Error(backend.failReason)
      const opened = await backend.open()
      const database = databaseOf(opened.store)
      if (database === undefined) throw new Error('the test store has no database')
      return { store: new KyselyDomainVerificationStore(database.db), dispose: opened.dispose }
    })
  })
}
