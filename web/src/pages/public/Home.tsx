/** `/`: each user goes to their own start page. */
import { homeOf } from '../../access.ts';
import { Redirect } from '../../router.tsx';
import { useSession } from '../../session.tsx';

export default function Home() {
  const { user } = useSession();
  return <Redirect to={homeOf(user)} />;
}
